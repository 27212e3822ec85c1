import { randomUUID } from 'node:crypto';
import { defaultPriceBook, priceAction } from '@tally/credits';
import { parseInboundMessage } from '@tally/contracts';
import {
  keyedCommandOf,
  loadWorkspace,
  reserveCommand,
  selectReservation,
  WorkspaceLedger,
  workspaceStreamName,
} from '@tally/ledger';
import { createKafkaBus, MessageBus } from '@tally/messaging';
import { Database, openDatabase } from '@tally/runtime';
import { actionExecuted, ActionSpec, eventually, periodStarted } from '../support/action-fixtures';
import { AppProcess, startAppProcess } from '../../tools/support/app-process';
import { debitTotalsByWorkspace, storedDebitCount } from '../support/ledger-audit';
import { kafkaBrokers, topicEnvironment, uniqueName, uniqueTopicNames } from '../support/kafka';
import { createTestDatabase, TestDatabase } from '../../tools/support/test-database';

const Topics = uniqueTopicNames('ledger-crash');

const actionMix: ActionSpec[] = [
  { kind: 'record.create' },
  { kind: 'http.request' },
  { kind: 'code.run', durationMs: 777 },
  { kind: 'email.send', recipients: 2 },
  {
    kind: 'ai.generate',
    ai: { model: 'claude-haiku-4', inputTokens: 333, outputTokens: 77, cachedInputTokens: 11 },
  },
];

interface Scenario {
  workspaces: string[];
  expected: Map<string, { count: number; amountMicro: bigint }>;
}

/** Publishes the periods and actions [0, publishedCount); `rest()` publishes the others later. */
async function publishScenario(
  bus: MessageBus,
  actionCount: number,
  workspaceCount: number,
  publishedCount = actionCount,
): Promise<Scenario & { rest: () => Promise<void> }> {
  const workspaces = Array.from({ length: workspaceCount }, () => randomUUID());
  const periods = workspaces.map((id) => periodStarted(id, { allocationMicro: '1000000000000' }));
  await bus.publish(
    Topics.subscription,
    periods.map((message) => ({ key: message.workspaceId, value: JSON.stringify(message) })),
  );
  const expected = new Map<string, { count: number; amountMicro: bigint }>();
  const publish = (from: number, to: number): Promise<void> =>
    publishActions(bus, workspaces, expected, from, to);
  await publish(0, publishedCount);
  return { workspaces, expected, rest: () => publish(publishedCount, actionCount) };
}

async function publishActions(
  bus: MessageBus,
  workspaces: string[],
  expected: Scenario['expected'],
  first: number,
  actionCount: number,
): Promise<void> {
  const workspaceCount = workspaces.length;
  const chunkSize = 5_000;
  for (let from = first; from < actionCount; from += chunkSize) {
    const chunk = Array.from({ length: Math.min(chunkSize, actionCount - from) }, (_, offset) => {
      const index = from + offset;
      const action = actionMix[index % actionMix.length] as ActionSpec;
      const message = actionExecuted(workspaces[index % workspaceCount] as string, action);
      const entry = expected.get(message.workspaceId) ?? { count: 0, amountMicro: 0n };
      entry.count += 1;
      entry.amountMicro += priceAction(action as never, defaultPriceBook).amountMicro;
      expected.set(message.workspaceId, entry);
      return message;
    });
    await bus.publish(
      Topics.actionExecuted,
      chunk.map((message) => ({ key: message.workspaceId, value: JSON.stringify(message) })),
    );
  }
}

function toInbound(message: unknown) {
  const parsed = parseInboundMessage(JSON.stringify(message));
  if (!parsed.ok) throw new Error(`assertion failed: ${JSON.stringify(parsed)}`);
  return parsed.value;
}

// Counts every stored debit of the suite's database; tests compare against a baseline.
async function debitCount(database: Database): Promise<number> {
  return storedDebitCount(database.sql);
}

async function expectExactLedger(database: Database, scenario: Scenario): Promise<void> {
  const totals = await debitTotalsByWorkspace(database.store);
  for (const workspaceId of scenario.workspaces) {
    const expected = scenario.expected.get(workspaceId);
    const actual = totals.get(workspaceId);
    expect({ workspaceId, count: actual?.count, amountMicro: actual?.amountMicro }).toEqual({
      workspaceId,
      count: expected?.count,
      amountMicro: expected?.amountMicro,
    });
    expect(actual?.sourceEventIds.size).toBe(expected?.count);
  }
}

describe('ledger under crashes (apps as processes, real Kafka and PostgreSQL)', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let bus: MessageBus;
  const processes: AppProcess[] = [];

  const startLedgerProcess = (groupId: string): AppProcess => {
    const started = startAppProcess('ledger', {
      DATABASE_URL: testDatabase.connectionString,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      TALLY_LEDGER_GROUP_ID: groupId,
      METRICS_PORT: '0',
      ...topicEnvironment(Topics),
    });
    processes.push(started);
    return started;
  };

  beforeAll(async () => {
    testDatabase = await createTestDatabase('tally_crash');
    database = await openDatabase({
      databaseUrl: testDatabase.connectionString,
      dataDir: '.tally-unused',
    });
    bus = createKafkaBus({ brokers: kafkaBrokers(), clientId: 'ledger-crash-test' });
    await bus.ensureTopics(
      [Topics.actionExecuted, Topics.subscription, Topics.balanceAlerts].map((name) => ({
        name,
        partitions: 8,
      })),
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all(processes.map((running) => running.kill('SIGKILL')));
    await bus?.close();
    await database?.close();
    await testDatabase?.drop();
  }, 60_000);

  it('ends with the exact ledger after SIGKILL mid-stream of 50,000 actions and a restart', async () => {
    const groupId = uniqueName('crash');
    // The whole stream is published first, so the kill lands in the middle of a backlog.
    const scenario = await publishScenario(bus, 50_000, 200);
    const first = startLedgerProcess(groupId);
    await eventually(
      async () => ((await debitCount(database)) >= 5_000 ? true : undefined),
      120_000,
      'the first debits',
    );
    await first.kill('SIGKILL');
    const countAtKill = await debitCount(database);
    expect(countAtKill).toBeLessThan(50_000);

    startLedgerProcess(groupId);
    await eventually(
      async () => ((await debitCount(database)) >= 50_000 ? true : undefined),
      240_000,
      'all 50,000 debits',
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await expectExactLedger(database, scenario);
  }, 400_000);

  it('ends with the exact ledger when one of two ledger instances is killed mid-run', async () => {
    const groupId = uniqueName('pair');
    const baseline = await debitCount(database);
    // Two instances can drain a backlog faster than a probe sees the first debits, so the kill
    // lands mid-stream by construction: part of the stream is published only after it.
    const scenario = await publishScenario(bus, 30_000, 100, 15_000);
    const doomed = startLedgerProcess(groupId);
    startLedgerProcess(groupId);
    await eventually(
      async () => ((await debitCount(database)) >= baseline + 3_000 ? true : undefined),
      120_000,
      'the first debits',
    );
    await doomed.kill('SIGKILL');
    expect(await debitCount(database)).toBeLessThan(baseline + 30_000);
    await scenario.rest();
    await eventually(
      async () => ((await debitCount(database)) >= baseline + 30_000 ? true : undefined),
      240_000,
      'all 30,000 debits',
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await expectExactLedger(database, scenario);
  }, 400_000);

  it('expires a hold that fell due while the ledger was SIGKILLed, on restart, once', async () => {
    // Every ledger of the earlier tests stops first: none may expire the hold meanwhile.
    await Promise.all(processes.map((running) => running.kill('SIGKILL')));
    const leaseHolder = async (): Promise<string | undefined> =>
      (
        await database.sql.query<{ holder: string }>(
          "select holder from tally_leases where name = 'deadline-scheduler' and expires_at > now()",
        )
      )[0]?.holder;
    const ledger = new WorkspaceLedger(database.store, database.sql);
    const workspaceId = randomUUID();
    const now = new Date();
    await ledger.execute([
      keyedCommandOf(
        toInbound(periodStarted(workspaceId, { allocationMicro: '1000000' })),
        now.toISOString(),
      ),
    ]);
    const dueAt = new Date(now.getTime() + 25_000);
    const [held] = await ledger.execute([
      reserveCommand(
        {
          workspaceId,
          reservationId: 'due-while-down',
          amountMicro: 400_000n,
          expiresAt: dueAt.toISOString(),
        },
        now.toISOString(),
      ),
    ]);
    expect(held?.kind).toBe('applied');

    // The first ledger takes the scheduler's lease (within the dead holders' 10 s), then dies.
    const stale = await leaseHolder();
    const first = startLedgerProcess(uniqueName('deadline'));
    await eventually(
      async () => {
        const holder = await leaseHolder();
        return holder !== undefined && holder !== stale ? true : undefined;
      },
      30_000,
      'the first ledger holding the lease',
    );
    await first.kill('SIGKILL');
    expect(Date.now()).toBeLessThan(dueAt.getTime());
    await new Promise((resolve) => setTimeout(resolve, dueAt.getTime() + 1_500 - Date.now()));
    expect(await selectReservation(database.sql, workspaceId, 'due-while-down')).toMatchObject({
      status: 'held',
    });

    // Restarted, a ledger expires it once its predecessor's lease has run out (at most 10 s).
    startLedgerProcess(uniqueName('deadline'));
    await eventually(
      async () => {
        const reservation = await selectReservation(database.sql, workspaceId, 'due-while-down');
        return reservation?.status === 'expired' ? true : undefined;
      },
      30_000,
      'the hold expired after the restart',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const events = await database.store.readStream(workspaceStreamName(workspaceId));
    expect(events.filter((event) => event.type === 'ReservationExpired')).toHaveLength(1);
    const { state } = await loadWorkspace(database.store, workspaceId);
    expect(state.reservedMicro).toBe(0n);
  }, 120_000);
});
