import { randomUUID } from 'node:crypto';
import { dlqTopicOf } from '@tally/contracts';
import { readStuckPartitions, UNDECODABLE_BATCH } from '@tally/ledger';
import { BusMessage, createKafkaBus, MessageBus, MessageConsumer } from '@tally/messaging';
import { Database, openDatabase } from '@tally/runtime';
import { dlqSkipCommand, dlqStuckCommand } from '../../ops/src/commands/dlq-stuck.command';
import type { OpsContext } from '../../ops/src/ops-context';
import { damageBatch } from '../../../test/support/broker-log';
import { actionExecuted, eventually, periodStarted } from '../../../test/support/action-fixtures';
import { javaProduce, JavaRecord } from '../../../test/support/java-kafka-client';
import { debitTotalsByWorkspace } from '../../../test/support/ledger-audit';
import { kafkaBrokers, uniqueName, uniqueTopicNames } from '../../../test/support/kafka';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';
import { RunningLedger, startLedger } from './ledger.service';

jest.setTimeout(180_000);

const Topics = uniqueTopicNames('undecodable');
const partitions = 4;

function actions(
  workspaceId: string,
  count: number,
  compression: JavaRecord['compression'],
  partition: number,
): { records: JavaRecord[]; eventIds: string[] } {
  const messages = Array.from({ length: count }, () =>
    actionExecuted(workspaceId, { kind: 'record.update' }),
  );
  return {
    records: messages.map((message) => ({
      compression,
      topic: Topics.actionExecuted,
      partition,
      key: workspaceId,
      value: JSON.stringify(message),
    })),
    eventIds: messages.map((message) => message.eventId),
  };
}

async function debitCount(database: Database, workspaceId: string): Promise<number> {
  return (await debitTotalsByWorkspace(database.store)).get(workspaceId)?.count ?? 0;
}

describe('a record batch the ledger cannot decode (real Kafka, real PostgreSQL)', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let bus: MessageBus;
  let ledger: RunningLedger;
  const dlq: BusMessage[] = [];
  let dlqReader: MessageConsumer;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('tally_undecodable');
    database = await openDatabase({
      databaseUrl: testDatabase.connectionString,
      dataDir: '.tally-unused',
    });
    bus = createKafkaBus({ brokers: kafkaBrokers(), clientId: 'undecodable-test' });
    const consumed = [Topics.actionExecuted, Topics.subscription];
    await bus.ensureTopics(
      [...consumed, ...consumed.map(dlqTopicOf)].map((name) => ({ name, partitions })),
    );
    dlqReader = bus.createConsumer({
      groupId: uniqueName('dlq-reader'),
      topics: [dlqTopicOf(Topics.actionExecuted)],
      handleBatch: async (batch) => void dlq.push(...batch.messages),
    });
    await dlqReader.start();
  });

  afterAll(async () => {
    await dlqReader?.stop();
    await ledger?.stop();
    await bus?.close();
    await database?.close();
    await testDatabase?.drop();
  });

  it('keeps debiting every other partition and topic, reports the partition that waits, and moves it on when an operator skips the batch', async () => {
    const [flowing0, waiting, unknownCodec, flowing3] = [
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
    ];
    const all = [flowing0, waiting, unknownCodec, flowing3] as string[];
    await javaProduce(
      all.map((id) => ({
        compression: 'none',
        topic: Topics.subscription,
        key: id,
        value: JSON.stringify(periodStarted(id, { allocationMicro: '1000000000000' })),
      })),
    );
    const beforeDamage = actions(waiting, 5, 'zstd', 1);
    const damaged = actions(waiting, 10, 'zstd', 1);
    const afterDamage = actions(waiting, 5, 'zstd', 1);
    const unknown = actions(unknownCodec, 10, 'gzip', 2);
    const positions = await javaProduce([
      ...beforeDamage.records,
      'flush',
      ...damaged.records,
      'flush',
      ...afterDamage.records,
      'flush',
      ...unknown.records,
      'flush',
      ...actions(flowing0, 20, 'snappy', 0).records,
      ...actions(flowing3, 20, 'lz4', 3).records,
    ]);
    const damagedOffset = (positions[beforeDamage.records.length] as { offset: string }).offset;
    const unknownOffset = (
      positions[
        beforeDamage.records.length + damaged.records.length + afterDamage.records.length
      ] as { offset: string }
    ).offset;
    await damageBatch(Topics.actionExecuted, 1, damagedOffset, 'payload');
    await damageBatch(Topics.actionExecuted, 2, unknownOffset, 'unknown-codec');

    const groupId = uniqueName('ledger');
    ledger = await startLedger({
      store: database.store,
      sql: database.sql,
      bus,
      groupId,
      topics: Topics,
      topicPartitions: partitions,
      undecodableRetryMs: 300,
    });

    // The other partitions are debited in full; partition 1 up to its damaged batch.
    await eventually(
      async () =>
        (await debitCount(database, flowing0)) === 20 &&
        (await debitCount(database, flowing3)) === 20
          ? true
          : undefined,
      60_000,
      'the flowing partitions',
    );
    await eventually(
      async () => ((await debitCount(database, waiting)) === 5 ? true : undefined),
      30_000,
      'the batch before the damaged one',
    );
    // Another topic keeps flowing too: a later period start opens its period.
    const late = randomUUID();
    await bus.publish(Topics.subscription, [
      { key: late, value: JSON.stringify(periodStarted(late)) },
    ]);
    await eventually(
      async () =>
        (await database.store.readStream(`credits-${late}`)).length > 0 ? true : undefined,
      30_000,
      'a period start sent after the damage',
    );

    const stuck = await eventually(
      async () => {
        const rows = (await readStuckPartitions(database.sql)).filter(
          (row) => row.topic === Topics.actionExecuted,
        );
        return rows.length === 2 && rows.every((row) => row.attempts >= 2) ? rows : undefined;
      },
      30_000,
      'both partitions reported',
    );
    expect(
      stuck
        .map((row) => [row.groupId, row.partition, row.firstOffset, row.lastOffset, row.codec])
        .sort(),
    ).toEqual([
      [groupId, 1, damagedOffset, (BigInt(damagedOffset) + 9n).toString(), 'zstd'],
      [groupId, 2, unknownOffset, (BigInt(unknownOffset) + 9n).toString(), 'unknown(5)'],
    ]);
    const gauge = await ledger.metrics.registry.getSingleMetricAsString(
      'tally_ledger_partition_stuck',
    );
    expect(gauge).toContain(
      `tally_ledger_partition_stuck{topic="${Topics.actionExecuted}",partition="1"} 1`,
    );
    expect(await debitCount(database, waiting)).toBe(5);
    expect(await debitCount(database, unknownCodec)).toBe(0);

    const lines: string[] = [];
    const ops: OpsContext = {
      store: database.store,
      sql: database.sql,
      out: (line) => lines.push(line),
      err: () => undefined,
    };
    expect(await dlqStuckCommand(ops)).toBe(0);
    expect(
      lines.filter((line) => line.startsWith(`${Topics.actionExecuted} 1/${damagedOffset}..`)),
    ).toHaveLength(1);
    expect(
      lines.filter(
        (line) =>
          line.startsWith(`${Topics.actionExecuted} 2/${unknownOffset}..`) &&
          line.includes('codec=unknown(5)'),
      ),
    ).toHaveLength(1);

    // The operator skips the damaged batch: its bytes go to the DLQ whole, the partition moves on.
    // Only the batch the partition waits at can be skipped: a wrong offset changes nothing.
    expect(
      await dlqSkipCommand(
        ops,
        Topics.actionExecuted,
        '1',
        (BigInt(damagedOffset) - 1n).toString(),
      ),
    ).toBe(1);
    expect(await dlqSkipCommand(ops, Topics.actionExecuted, '1', damagedOffset)).toBe(0);
    await eventually(
      async () => ((await debitCount(database, waiting)) === 10 ? true : undefined),
      30_000,
      'the batch after the skipped one',
    );
    const letter = await eventually(
      async () => dlq.find((message) => message.headers['x-error-code'] === UNDECODABLE_BATCH),
      30_000,
      'the dead letter',
    );
    expect(letter.headers).toMatchObject({
      'x-original-topic': Topics.actionExecuted,
      'x-original-partition': '1',
      'x-original-offset': damagedOffset,
      'x-batch-codec': 'zstd',
    });
    expect(letter.value?.readBigInt64BE(0).toString()).toBe(damagedOffset);
    const left = (await readStuckPartitions(database.sql)).filter(
      (row) => row.topic === Topics.actionExecuted,
    );
    expect(left.map((row) => row.partition)).toEqual([2]);
    expect(
      await ledger.metrics.registry.getSingleMetricAsString('tally_ledger_partition_stuck'),
    ).toContain(`tally_ledger_partition_stuck{topic="${Topics.actionExecuted}",partition="1"} 0`);
    expect((await debitTotalsByWorkspace(database.store)).get(waiting)?.sourceEventIds).toEqual(
      new Set([...beforeDamage.eventIds, ...afterDamage.eventIds]),
    );
  });
});
