import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, Kafka } from 'kafkajs';
import { dlqTopicOf } from '@tally/contracts';
import { readStuckPartitions } from '@tally/ledger';
import { BusMessage, createKafkaBus, MessageBus, MessageConsumer } from '@tally/messaging';
import { Database, openDatabase } from '@tally/runtime';
import { actionExecuted, eventually, periodStarted } from '../../../test/support/action-fixtures';
import { javaProduce } from '../../../test/support/java-kafka-client';
import { debitTotalsByWorkspace } from '../../../test/support/ledger-audit';
import { kafkaBrokers, uniqueName, uniqueTopicNames } from '../../../test/support/kafka';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';
import { deadLetterValueBytesMax } from './consume-messages/dead-letter';
import { RunningLedger, startLedger } from './ledger.service';

jest.setTimeout(240_000);

const partitions = 2;

async function debitCount(database: Database, workspaceId: string): Promise<number> {
  return (await debitTotalsByWorkspace(database.store)).get(workspaceId)?.count ?? 0;
}

/** Publishes a period start for the workspace, then the given values on the actions topic, in order. */
async function javaSend(
  topics: ReturnType<typeof uniqueTopicNames>,
  workspaceId: string,
  values: string[],
): Promise<void> {
  await javaProduce([
    {
      compression: 'none',
      topic: topics.subscription,
      key: workspaceId,
      value: JSON.stringify(periodStarted(workspaceId, { allocationMicro: '1000000000000' })),
    },
    'flush',
    ...values.flatMap((value) => [
      {
        compression: 'zstd' as const,
        topic: topics.actionExecuted,
        partition: 0,
        key: workspaceId,
        value,
      },
      'flush' as const,
    ]),
  ]);
}

describe('dead letters that must fit the DLQ (real Kafka, real PostgreSQL)', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let bus: MessageBus;
  const ledgers: RunningLedger[] = [];
  const readers: MessageConsumer[] = [];

  beforeAll(async () => {
    testDatabase = await createTestDatabase('tally_dead_letter_bounds');
    database = await openDatabase({
      databaseUrl: testDatabase.connectionString,
      dataDir: '.tally-unused',
    });
    bus = createKafkaBus({ brokers: kafkaBrokers(), clientId: 'dead-letter-bounds-test' });
  });

  afterAll(async () => {
    for (const reader of readers) await reader.stop();
    for (const ledger of ledgers) await ledger.stop();
    await bus?.close();
    await database?.close();
    await testDatabase?.drop();
  });

  async function ledgerOn(topics: ReturnType<typeof uniqueTopicNames>): Promise<RunningLedger> {
    const ledger = await startLedger({
      store: database.store,
      sql: database.sql,
      bus,
      groupId: uniqueName('ledger'),
      topics,
      topicPartitions: partitions,
      publishAlerts: false,
    });
    ledgers.push(ledger);
    return ledger;
  }

  async function dlqOf(topic: string): Promise<BusMessage[]> {
    const letters: BusMessage[] = [];
    const reader = bus.createConsumer({
      groupId: uniqueName('dlq-reader'),
      topics: [dlqTopicOf(topic)],
      handleBatch: async (batch) => void letters.push(...batch.messages),
    });
    readers.push(reader);
    await reader.start();
    return letters;
  }

  it('dead-letters a message far above the broker limit cut to the bound, says so, and moves on', async () => {
    const topics = uniqueTopicNames('dlq-bound');
    const consumed = [topics.actionExecuted, topics.subscription];
    await bus.ensureTopics(
      [...consumed, ...consumed.map(dlqTopicOf)].map((name) => ({ name, partitions })),
    );
    const workspaceId = randomUUID();
    // 6,000,000 characters: far over the broker's 4 MiB, a few hundred bytes once compressed.
    const huge = JSON.stringify(
      actionExecuted(workspaceId, { kind: 'record.update' }, { workflowId: 'w'.repeat(6_000_000) }),
    );
    const after = actionExecuted(workspaceId, { kind: 'record.update' });
    await javaSend(topics, workspaceId, [huge, JSON.stringify(after)]);
    const letters = await dlqOf(topics.actionExecuted);
    await ledgerOn(topics);

    await eventually(
      async () => ((await debitCount(database, workspaceId)) === 1 ? true : undefined),
      90_000,
      'the action after the oversized one',
    );
    const letter = await eventually(async () => letters[0], 30_000, 'the dead letter');
    expect(letter.headers).toMatchObject({
      'x-error-code': 'PAYLOAD_TOO_LARGE',
      'x-truncated': 'true',
      'x-original-size-bytes': String(Buffer.byteLength(huge)),
      'x-original-topic': topics.actionExecuted,
    });
    expect(letter.value?.length).toBe(deadLetterValueBytesMax);
    expect(letter.value?.toString('utf8')).toBe(huge.slice(0, deadLetterValueBytesMax));
    expect(
      (await readStuckPartitions(database.sql)).filter(
        (row) => row.topic === topics.actionExecuted,
      ),
    ).toEqual([]);
  });

  it('reports the partition stuck while the DLQ refuses its dead letter, and moves on once it accepts', async () => {
    const topics = uniqueTopicNames('dlq-refused');
    const dlq = dlqTopicOf(topics.actionExecuted);
    const admin = new Kafka({
      clientId: 'dead-letter-bounds-admin',
      brokers: kafkaBrokers(),
    }).admin();
    await admin.connect();
    try {
      // A DLQ whose limit is below any bounded letter: the publish fails however small the cut.
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: dlq,
            numPartitions: partitions,
            configEntries: [{ name: 'max.message.bytes', value: '2048' }],
          },
        ],
      });
      await bus.ensureTopics(
        [topics.actionExecuted, topics.subscription, dlqTopicOf(topics.subscription)].map(
          (name) => ({ name, partitions }),
        ),
      );
      const workspaceId = randomUUID();
      const after = actionExecuted(workspaceId, { kind: 'record.update' });
      await javaSend(topics, workspaceId, [
        `not json ${'x'.repeat(10_000)}`,
        JSON.stringify(after),
      ]);
      const ledger = await ledgerOn(topics);

      const row = await eventually(
        async () =>
          (await readStuckPartitions(database.sql)).find(
            (stuck) => stuck.topic === topics.actionExecuted,
          ),
        90_000,
        'the partition reported stuck',
      );
      expect(row).toMatchObject({ partition: 0, codec: 'n/a (dead letter refused)' });
      expect(row.error).toContain(`a dead letter could not be published to ${dlq}`);
      expect(
        await ledger.metrics.registry.getSingleMetricAsString('tally_ledger_partition_stuck'),
      ).toContain(`tally_ledger_partition_stuck{topic="${topics.actionExecuted}",partition="0"} 1`);

      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: dlq,
            configEntries: [{ name: 'max.message.bytes', value: '1048588' }],
          },
        ],
      });
      await eventually(
        async () => ((await debitCount(database, workspaceId)) === 1 ? true : undefined),
        120_000,
        'the action after the refused dead letter',
      );
      await eventually(
        async () =>
          (await readStuckPartitions(database.sql)).some(
            (stuck) => stuck.topic === topics.actionExecuted,
          )
            ? undefined
            : true,
        30_000,
        'the stuck row cleared',
      );
    } finally {
      await admin.disconnect();
    }
  });
});
