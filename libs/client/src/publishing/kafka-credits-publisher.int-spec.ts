import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { parseInboundMessage } from '@tally/contracts';
import { kafkaBrokers, uniqueName } from '../../../../test/support/kafka';
import { aiGenerate, creditsGranted, KafkaCreditsPublisher } from '../index';

jest.setTimeout(120_000);

describe('KafkaCreditsPublisher (real Kafka)', () => {
  const kafka = new Kafka({
    clientId: 'client-publisher-test',
    brokers: kafkaBrokers(),
    logLevel: logLevel.NOTHING,
  });
  const topics = {
    actionExecuted: uniqueName('client-actions'),
    subscription: uniqueName('client-billing'),
  };
  const groupId = uniqueName('client-publisher-read');

  it('publishes each message to its topic, keyed by workspaceId, as bytes the contracts parse', async () => {
    const admin = kafka.admin();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const consumer = kafka.consumer({ groupId });
    await admin.connect();
    await producer.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 2 })),
      });
      const workspaceId = `ws-${randomUUID()}`;
      const action = aiGenerate({
        workspaceId,
        source: 'ai-agent',
        ai: {
          model: 'claude-sonnet-4',
          inputTokens: 10,
          outputTokens: 5,
          cacheWriteInputTokens: 7,
        },
        reservationId: 'run-1',
      });
      const grant = creditsGranted({
        workspaceId,
        grantType: 'onboarding',
        credits: '2.5',
        reference: 'welcome',
      });
      const publisher = new KafkaCreditsPublisher(producer, { topics });
      expect(publisher.topicOf(action)).toBe(topics.actionExecuted);
      const bad = {
        ...action,
        eventId: randomUUID(),
        source: 'mainframe',
      } as unknown as typeof action;
      expect(await publisher.publish([action, bad, grant])).toEqual({
        accepted: 2,
        rejected: [expect.objectContaining({ index: 1, code: 'VALIDATION_FAILED' })],
      });

      const received: { topic: string; key: string; value: Buffer }[] = [];
      await consumer.connect();
      await consumer.subscribe({ topics: Object.values(topics), fromBeginning: true });
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ topic, message }) => {
            received.push({ topic, key: String(message.key), value: message.value as Buffer });
            if (received.length === 2) resolve();
          },
        });
      });
      await done;
      const byTopic = new Map(received.map((record) => [record.topic, record]));
      for (const [topic, sent] of [
        [topics.actionExecuted, action],
        [topics.subscription, grant],
      ] as const) {
        const record = byTopic.get(topic);
        expect(record?.key).toBe(workspaceId);
        expect(JSON.parse(String(record?.value))).toEqual(sent);
        const parsed = parseInboundMessage(record?.value as Buffer);
        expect(parsed).toMatchObject({ ok: true, value: { eventId: sent.eventId, workspaceId } });
      }
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
