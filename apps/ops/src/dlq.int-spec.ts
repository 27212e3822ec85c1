import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { dlqTopicOf } from '@tally/contracts';
import { createKafkaBus, MessageBus } from '@tally/messaging';
import { eventually } from '../../../test/support/action-fixtures';
import { kafkaBrokers, uniqueName } from '../../../test/support/kafka';
import { dlqListCommand, dlqRedriveCommand } from './commands/dlq.command';
import type { OpsContext } from './ops-context';

jest.setTimeout(90_000);

describe('ops dlq commands (real Kafka)', () => {
  let bus: MessageBus;
  let lines: string[];
  let context: OpsContext;
  const topic = uniqueName('ops-dlq');

  beforeAll(async () => {
    bus = createKafkaBus({ brokers: kafkaBrokers(), clientId: 'ops-dlq-test' });
    await bus.ensureTopics([topic, dlqTopicOf(topic)].map((name) => ({ name, partitions: 1 })));
    const deadLetter = (value: string, code: string, offset: string) => ({
      key: 'ws-1',
      value,
      headers: {
        'x-error-code': code,
        'x-error-message': `refused: ${code}`,
        'x-original-topic': topic,
        'x-original-partition': '0',
        'x-original-offset': offset,
      },
    });
    await bus.publish(dlqTopicOf(topic), [
      deadLetter('{"broken": ', 'MALFORMED_JSON', '7'),
      deadLetter(JSON.stringify({ eventId: randomUUID() }), 'VALIDATION_FAILED', '9'),
    ]);
  });

  beforeEach(() => {
    lines = [];
    // The commands never touch the database.
    context = {
      store: undefined as never,
      sql: undefined as never,
      bus: () => bus,
      out: (line) => lines.push(line),
      err: () => undefined,
    };
  });

  afterAll(async () => {
    await bus.close();
  });

  it('lists each dead letter with its reason and origin, and commits nothing', async () => {
    expect(await dlqListCommand(context, topic)).toBe(0);
    expect(lines.at(-1)).toBe(`2 dead letter(s) on ${dlqTopicOf(topic)}`);
    expect(lines[0]).toContain(`MALFORMED_JSON: refused: MALFORMED_JSON (from ${topic} 0/7)`);
    expect(lines[1]).toContain(`VALIDATION_FAILED: refused: VALIDATION_FAILED (from ${topic} 0/9)`);
    lines = [];
    expect(await dlqListCommand(context, topic)).toBe(0);
    expect(lines.at(-1)).toBe(`2 dead letter(s) on ${dlqTopicOf(topic)}`);
  });

  it('leaves no consumer group behind after listing', async () => {
    const admin = new Kafka({ clientId: 'ops-dlq-admin', brokers: kafkaBrokers() }).admin();
    await admin.connect();
    const listGroups = async (): Promise<string[]> =>
      (await admin.listGroups()).groups
        .map((group) => group.groupId)
        .filter((groupId) => groupId.startsWith('tally-ops-dlq-list-'));
    try {
      const before = new Set(await listGroups());
      expect(await dlqListCommand(context, topic)).toBe(0);
      expect(lines.at(-1)).toBe(`2 dead letter(s) on ${dlqTopicOf(topic)}`);
      // Another suite may list at the same time: only a group that read this DLQ is this run's.
      const readThisDlq: string[] = [];
      for (const groupId of (await listGroups()).filter((id) => !before.has(id))) {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [dlqTopicOf(topic)] });
        if (offsets?.partitions.some((partition) => partition.offset !== '-1'))
          readThisDlq.push(groupId);
      }
      expect(readThisDlq).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });

  it('redrives every dead letter to its original topic once', async () => {
    const received: string[] = [];
    const reader = bus.createConsumer({
      groupId: uniqueName('redrive-reader'),
      topics: [topic],
      handleBatch: async (batch) => {
        received.push(...batch.messages.map((message) => message.value?.toString('utf8') ?? ''));
      },
    });
    await reader.start();
    expect(await dlqRedriveCommand(context, topic)).toBe(0);
    expect(lines.at(-1)).toBe(`redrove 2 message(s) from ${dlqTopicOf(topic)} to ${topic}`);
    await eventually(
      async () => (received.length >= 2 ? true : undefined),
      30_000,
      'the redriven messages',
    );
    expect(received[0]).toBe('{"broken": ');
    lines = [];
    expect(await dlqRedriveCommand(context, topic)).toBe(0);
    expect(lines.at(-1)).toBe(`redrove 0 message(s) from ${dlqTopicOf(topic)} to ${topic}`);
    await reader.stop();
    expect(received).toHaveLength(2);
  });
});
