import { randomUUID } from 'node:crypto';
import { CompressionTypes, Kafka } from 'kafkajs';
import { dlqTopicOf } from '@tally/contracts';
import { readStuckPartitions, UNDECODABLE_BATCH } from '@tally/ledger';
import { BusMessage, createKafkaBus, MessageBus, MessageConsumer } from '@tally/messaging';
import { Database, openDatabase } from '@tally/runtime';
import { dlqSkipCommand } from '../../ops/src/commands/dlq-stuck.command';
import { actionExecuted, eventually, periodStarted } from '../../../test/support/action-fixtures';
import { debitTotalsByWorkspace } from '../../../test/support/ledger-audit';
import { kafkaBrokers, uniqueName, uniqueTopicNames } from '../../../test/support/kafka';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';
import { RunningLedger, startLedger } from './ledger.service';

jest.setTimeout(240_000);

const partitions = 2;
/** As reported: a gzip batch of a few hundred KiB that unpacks to 200 MB. */
const bombBytes = 200_000_000;

describe('a record batch that decompresses to far more than any batch (real Kafka, real PostgreSQL)', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let bus: MessageBus;
  let ledger: RunningLedger | undefined;
  let dlqReader: MessageConsumer | undefined;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('tally_decompression_bomb');
    database = await openDatabase({
      databaseUrl: testDatabase.connectionString,
      dataDir: '.tally-unused',
    });
    bus = createKafkaBus({ brokers: kafkaBrokers(), clientId: 'decompression-bomb-test' });
  });

  afterAll(async () => {
    await dlqReader?.stop();
    await ledger?.stop();
    await bus?.close();
    await database?.close();
    await testDatabase?.drop();
  });

  it('reports the partition stuck at a gzip bomb instead of unpacking it, and moves on when an operator skips it', async () => {
    const topics = uniqueTopicNames('bomb');
    const consumed = [topics.actionExecuted, topics.subscription];
    await bus.ensureTopics(
      [...consumed, ...consumed.map(dlqTopicOf)].map((name) => ({ name, partitions })),
    );
    const workspaceId = randomUUID();
    const producer = new Kafka({ clientId: 'bomb-producer', brokers: kafkaBrokers() }).producer();
    await producer.connect();
    let bombOffset: string;
    try {
      await producer.send({
        topic: topics.subscription,
        acks: -1,
        messages: [{ key: workspaceId, value: JSON.stringify(periodStarted(workspaceId)) }],
      });
      const [bomb] = await producer.send({
        topic: topics.actionExecuted,
        acks: -1,
        compression: CompressionTypes.GZIP,
        messages: [{ key: workspaceId, partition: 0, value: Buffer.alloc(bombBytes, 0x20) }],
      });
      bombOffset = String(bomb?.baseOffset);
      await producer.send({
        topic: topics.actionExecuted,
        acks: -1,
        messages: [
          {
            key: workspaceId,
            partition: 0,
            value: JSON.stringify(actionExecuted(workspaceId, { kind: 'record.update' })),
          },
        ],
      });
    } finally {
      await producer.disconnect();
    }
    const letters: BusMessage[] = [];
    dlqReader = bus.createConsumer({
      groupId: uniqueName('dlq-reader'),
      topics: [dlqTopicOf(topics.actionExecuted)],
      handleBatch: async (batch) => void letters.push(...batch.messages),
    });
    await dlqReader.start();

    ledger = await startLedger({
      store: database.store,
      sql: database.sql,
      bus,
      groupId: uniqueName('ledger'),
      topics,
      topicPartitions: partitions,
      publishAlerts: false,
      undecodableRetryMs: 300,
    });
    const row = await eventually(
      async () =>
        (await readStuckPartitions(database.sql)).find(
          (stuck) => stuck.topic === topics.actionExecuted,
        ),
      60_000,
      'the partition reported stuck',
    );
    expect(row).toMatchObject({ partition: 0, firstOffset: bombOffset, codec: 'gzip' });
    expect(row.error).toMatch(
      /^gzip: the batch decompresses to more than the 33554432-byte limit of one batch/,
    );
    expect((await debitTotalsByWorkspace(database.store)).get(workspaceId)).toBeUndefined();

    const ops = {
      store: database.store,
      sql: database.sql,
      out: () => undefined,
      err: () => undefined,
    };
    expect(await dlqSkipCommand(ops, topics.actionExecuted, '0', bombOffset)).toBe(0);
    await eventually(
      async () =>
        (await debitTotalsByWorkspace(database.store)).get(workspaceId)?.count === 1
          ? true
          : undefined,
      60_000,
      'the action after the skipped bomb',
    );
    const letter = await eventually(
      async () => letters.find((message) => message.headers['x-error-code'] === UNDECODABLE_BATCH),
      30_000,
      'the dead letter of the bomb',
    );
    expect(letter.headers).toMatchObject({
      'x-original-offset': bombOffset,
      'x-batch-codec': 'gzip',
    });
  });
});
