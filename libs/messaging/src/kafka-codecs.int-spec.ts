import {
  createKafkaBus,
  kafkaCompressions,
  MessageBus,
  MessageConsumer,
  UndecodableBatch,
} from '@tally/messaging';
import { damageBatch } from '../../../test/support/broker-log';
import { javaConsume, javaProduce, JavaRecord } from '../../../test/support/java-kafka-client';
import { eventually } from '../../../test/support/action-fixtures';
import { kafkaBrokers, uniqueName } from '../../../test/support/kafka';

jest.setTimeout(120_000);

const recordsPerCodec = 50;

/** Reads `topics` with a fresh group, keeping every value, until stopped. */
async function reader(
  bus: MessageBus,
  topics: string[],
  onUndecodableBatch?: (batch: UndecodableBatch) => Promise<'wait' | 'skip'>,
): Promise<{ values: string[]; consumer: MessageConsumer }> {
  const values: string[] = [];
  const consumer = bus.createConsumer({
    groupId: uniqueName('codecs-reader'),
    topics,
    partitionsConcurrentlyMax: 4,
    undecodableRetryMs: 300,
    onUndecodableBatch,
    handleBatch: async (batch) => {
      values.push(...batch.messages.map((message) => message.value?.toString('utf8') ?? ''));
    },
  });
  await consumer.start();
  return { values, consumer };
}

function records(
  topic: string,
  compression: JavaRecord['compression'],
  label: string,
  count: number,
  partition?: number,
): JavaRecord[] {
  return Array.from({ length: count }, (_, index) => ({
    compression,
    topic,
    partition,
    key: `key-${index % 5}`,
    value: JSON.stringify({
      label,
      index,
      text: 'the same words again and again, as JSON records are',
    }),
  }));
}

describe('every Kafka codec, against the Java client (real broker)', () => {
  let bus: MessageBus;

  beforeAll(() => {
    bus = createKafkaBus({ brokers: kafkaBrokers(), clientId: 'codecs-test' });
  });

  afterAll(async () => {
    await bus.close();
  });

  it('reads every record the Java client publishes with none, gzip, snappy, lz4 and zstd', async () => {
    const topic = uniqueName('codecs-from-java');
    await bus.ensureTopics([{ name: topic, partitions: 2 }]);
    const sent = kafkaCompressions.flatMap((codec) =>
      records(topic, codec, codec, recordsPerCodec),
    );
    await javaProduce(sent);
    const { values, consumer } = await reader(bus, [topic]);
    await eventually(
      async () => (values.length >= sent.length ? true : undefined),
      60_000,
      'every record',
    );
    await consumer.stop();
    expect(values.sort()).toEqual(sent.map((record) => record.value).sort());
  });

  it.each(kafkaCompressions)(
    'publishes with %s, and the Java client reads every record',
    async (compression) => {
      const topic = uniqueName(`codecs-to-java-${compression}`);
      const publisher = createKafkaBus({
        brokers: kafkaBrokers(),
        clientId: 'codecs-test',
        compression,
      });
      await publisher.ensureTopics([{ name: topic, partitions: 2 }]);
      const sent = records(topic, compression, compression, recordsPerCodec);
      await publisher.publish(
        topic,
        sent.map((record) => ({ key: record.key, value: record.value })),
      );
      await publisher.close();
      const read = await javaConsume(topic, sent.length, 30_000);
      expect(read.map((record) => record.value).sort()).toEqual(
        sent.map((record) => record.value).sort(),
      );
    },
  );

  it('holds only the partition of a batch it cannot decode, and commits past it when told to skip', async () => {
    const topic = uniqueName('codecs-undecodable');
    await bus.ensureTopics([{ name: topic, partitions: 3 }]);
    const before = records(topic, 'zstd', 'before', 5, 1);
    const damaged = records(topic, 'zstd', 'damaged', 5, 1);
    const after = records(topic, 'zstd', 'after', 5, 1);
    const others = [
      ...records(topic, 'zstd', 'other-0', 5, 0),
      ...records(topic, 'gzip', 'other-2', 5, 2),
    ];
    const positions = await javaProduce([
      ...before,
      'flush',
      ...damaged,
      'flush',
      ...after,
      'flush',
      ...others,
    ]);
    const damagedAt = positions[before.length] as { offset: string };
    await damageBatch(topic, 1, damagedAt.offset, 'payload');

    const calls: UndecodableBatch[] = [];
    let valuesWhenSkipped = -1;
    const { values, consumer } = await reader(bus, [topic], async (batch) => {
      calls.push(batch);
      if (batch.attempts < 2) return 'wait';
      valuesWhenSkipped = values.length;
      return 'skip';
    });
    await eventually(
      async () =>
        values.length >= before.length + after.length + others.length ? true : undefined,
      60_000,
      'the records around the damaged batch',
    );
    await consumer.stop();

    expect(values.sort()).toEqual(
      [...before, ...after, ...others].map((record) => record.value).sort(),
    );
    expect(
      calls.map((call) => [
        call.topic,
        call.partition,
        call.firstOffset,
        call.codec,
        call.attempts,
      ]),
    ).toEqual([
      [topic, 1, damagedAt.offset, 'zstd', 1],
      [topic, 1, damagedAt.offset, 'zstd', 2],
    ]);
    expect(calls[0]?.lastOffset).toBe((BigInt(damagedAt.offset) + 4n).toString());
    expect(calls[0]?.bytes.readBigInt64BE(0).toString()).toBe(damagedAt.offset);
    // Nothing after the damaged batch came through before the skip: the partition waited there.
    expect(valuesWhenSkipped).toBe(before.length + others.length);
  });
});
