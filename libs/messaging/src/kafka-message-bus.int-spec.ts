import { createKafkaBus, MessageBus } from '@tally/messaging';
import { kafkaBrokers, uniqueName } from '../../../test/support/kafka';

async function consumeUntil(
  bus: MessageBus,
  groupId: string,
  topic: string,
  count: number,
  failFirstBatch = false,
): Promise<string[]> {
  const values: string[] = [];
  let failed = false;
  let consumer: ReturnType<MessageBus['createConsumer']> | undefined;
  await new Promise<void>((resolve) => {
    consumer = bus.createConsumer({
      groupId,
      topics: [topic],
      handleBatch: async (batch) => {
        if (failFirstBatch && !failed) {
          failed = true;
          throw new Error('deliberate failure: offsets must stay uncommitted');
        }
        values.push(...batch.messages.map((message) => message.value?.toString('utf8') ?? ''));
        if (values.length >= count) resolve();
      },
    });
    void consumer.start();
  });
  await consumer?.stop();
  return values;
}

describe('Kafka message bus (real broker)', () => {
  let bus: MessageBus;

  beforeAll(() => {
    bus = createKafkaBus({ brokers: kafkaBrokers(), clientId: 'messaging-test' });
  });

  afterAll(async () => {
    await bus.close();
  });

  it('delivers published messages to a consumer group in key order and commits its offsets', async () => {
    const topic = uniqueName('bus-test');
    const groupId = uniqueName('group');
    await bus.ensureTopics([{ name: topic, partitions: 2 }]);
    const sent = Array.from({ length: 50 }, (_, index) => `message-${index}`);
    await bus.publish(
      topic,
      sent.map((value) => ({ key: 'workspace-1', value })),
    );

    const received = await consumeUntil(bus, groupId, topic, sent.length);
    expect(received).toEqual(sent);

    await bus.publish(topic, [{ key: 'workspace-1', value: 'after-commit' }]);
    const resumed = await consumeUntil(bus, groupId, topic, 1);
    expect(resumed).toEqual(['after-commit']);
  }, 60_000);

  it('redelivers a batch whose handler failed instead of committing it', async () => {
    const topic = uniqueName('bus-retry');
    await bus.ensureTopics([{ name: topic, partitions: 1 }]);
    await bus.publish(topic, [{ key: 'k', value: 'only' }]);
    const received = await consumeUntil(bus, uniqueName('group'), topic, 1, true);
    expect(received).toEqual(['only']);
  }, 60_000);
});
