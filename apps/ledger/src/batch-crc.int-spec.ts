import { randomUUID } from 'node:crypto';
import { dlqTopicOf } from '@tally/contracts';
import { readStuckPartitions, workspaceStreamName } from '@tally/ledger';
import { createKafkaBus, MessageBus } from '@tally/messaging';
import { Database, openDatabase } from '@tally/runtime';
import { damageBatch } from '../../../test/support/broker-log';
import { eventually, packPurchased, periodStarted } from '../../../test/support/action-fixtures';
import { javaProduce } from '../../../test/support/java-kafka-client';
import { kafkaBrokers, uniqueName, uniqueTopicNames } from '../../../test/support/kafka';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';
import { RunningLedger, startLedger } from './ledger.service';

jest.setTimeout(180_000);

const partitions = 2;

describe('a record batch whose CRC does not match its bytes (real Kafka, real PostgreSQL)', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let bus: MessageBus;
  let ledger: RunningLedger | undefined;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('tally_batch_crc');
    database = await openDatabase({
      databaseUrl: testDatabase.connectionString,
      dataDir: '.tally-unused',
    });
    bus = createKafkaBus({ brokers: kafkaBrokers(), clientId: 'batch-crc-test' });
  });

  afterAll(async () => {
    await ledger?.stop();
    await bus?.close();
    await database?.close();
    await testDatabase?.drop();
  });

  it('adds no credits from a pack whose stored bytes changed on disk, and reports the partition stuck', async () => {
    const topics = uniqueTopicNames('batch-crc');
    const consumed = [topics.actionExecuted, topics.subscription];
    await bus.ensureTopics(
      [...consumed, ...consumed.map(dlqTopicOf)].map((name) => ({ name, partitions })),
    );
    const workspaceId = randomUUID();
    const record = (value: object) => ({
      compression: 'none' as const,
      topic: topics.subscription,
      partition: 1,
      key: workspaceId,
      value: JSON.stringify(value),
    });
    const positions = await javaProduce([
      record(periodStarted(workspaceId)),
      'flush',
      record(packPurchased(workspaceId, '10')),
      'flush',
    ]);
    const packOffset = (positions[1] as { offset: string }).offset;
    // One byte on the broker's disk: an uncompressed batch still decodes, only its CRC says so.
    await damageBatch(topics.subscription, 1, packOffset, {
      replace: '"credits":"10"',
      with: '"credits":"50"',
    });

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
          (stuck) => stuck.topic === topics.subscription && stuck.attempts >= 2,
        ),
      60_000,
      'the partition reported stuck',
    );
    expect(row).toMatchObject({
      partition: 1,
      firstOffset: packOffset,
      lastOffset: packOffset,
      codec: 'none',
    });
    expect(row.error).toMatch(/^CRC mismatch/);
    expect(
      await ledger.metrics.registry.getSingleMetricAsString('tally_ledger_partition_stuck'),
    ).toContain(`tally_ledger_partition_stuck{topic="${topics.subscription}",partition="1"} 1`);
    const types = (await database.store.readStream(workspaceStreamName(workspaceId))).map(
      (event) => event.type,
    );
    expect(types).toContain('CreditPeriodOpened');
    expect(types).not.toContain('CreditPackAdded');
  });
});
