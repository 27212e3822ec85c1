// The stack under test in the end-to-end run: a database and topics of the run's own, the ledger
// and projector as processes, a bus to publish on and a reader of the balance projection.
import { Client } from 'pg';
import { createKafkaBus, MessageBus } from '@tally/messaging';
import { AppProcess, startAppProcess } from '../support/app-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** Partitions of each of the run's topics. */
export const partitions = 8;
const publishChunkMessagesMax = 5_000;
const waitTimeoutMs = 15 * 60_000;

export interface BenchTopics {
  actionExecuted: string;
  subscription: string;
  balanceAlerts: string;
}

export interface BenchStack {
  testDatabase: TestDatabase;
  topics: BenchTopics;
  bus: MessageBus;
  /** The apps' environment, to start one again after it was stopped. */
  appEnv: Record<string, string>;
  ledger: AppProcess;
  projector: AppProcess;
  reader: Client;
}

export async function startBenchStack(connections: {
  brokers: string[];
  serverUrl: string;
}): Promise<BenchStack> {
  const { brokers, serverUrl } = connections;
  const testDatabase = await createTestDatabase('tally_bench_e2e', serverUrl);
  const bus = createKafkaBus({ brokers, clientId: 'bench-e2e' });
  // Topics of this run alone: a run never reads another run's (or test's) messages.
  const run = testDatabase.name.slice('tally_bench_e2e_'.length);
  const topics = {
    actionExecuted: `bench-${run}.action-executed`,
    subscription: `bench-${run}.subscription`,
    balanceAlerts: `bench-${run}.balance-alerts`,
  };
  await bus.ensureTopics(
    [topics.actionExecuted, topics.subscription, topics.balanceAlerts].map((name) => ({
      name,
      partitions,
    })),
  );
  const appEnv = {
    DATABASE_URL: testDatabase.connectionString,
    KAFKA_BROKERS: brokers.join(','),
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    TALLY_TOPIC_ACTION_EXECUTED: topics.actionExecuted,
    TALLY_TOPIC_SUBSCRIPTION: topics.subscription,
    TALLY_TOPIC_BALANCE_ALERTS: topics.balanceAlerts,
  };
  const ledger = startAppProcess('ledger', appEnv);
  const projector = startAppProcess('projector', appEnv);
  const reader = new Client({ connectionString: testDatabase.connectionString });
  return { testDatabase, topics, bus, appEnv, ledger, projector, reader };
}

export async function stopBenchStack(stack: BenchStack): Promise<void> {
  await Promise.all([stack.ledger.kill('SIGTERM'), stack.projector.kill('SIGTERM')]);
  await stack.reader.end();
  await stack.bus.close();
  // BENCH_KEEP_DATABASE=1 keeps the run's database for EXPLAIN and inspection.
  if (process.env.BENCH_KEEP_DATABASE === '1')
    console.log(`kept database ${stack.testDatabase.name}`);
  else await stack.testDatabase.drop();
}

export async function publishJson(
  bus: MessageBus,
  topic: string,
  messages: Record<string, unknown>[],
): Promise<void> {
  for (let from = 0; from < messages.length; from += publishChunkMessagesMax) {
    await bus.publish(
      topic,
      messages.slice(from, from + publishChunkMessagesMax).map((message) => ({
        key: String(message.workspaceId),
        value: JSON.stringify(message),
      })),
    );
  }
}

export async function countBalances(reader: Client): Promise<number> {
  try {
    const { rows } = await reader.query<{ count: string }>(
      'select count(*)::text as count from projections.balances',
    );
    return Number(rows[0]?.count ?? 0);
  } catch {
    return 0; // the projector has not created its tables yet
  }
}

export async function totalUsedMicro(reader: Client): Promise<bigint> {
  const { rows } = await reader.query<{ total: string | null }>(
    'select sum(used_this_period_micro)::text as total from projections.balances',
  );
  return BigInt(rows[0]?.total ?? '0');
}

/** Every debit in the usage projection (the projector's own pace). */
export async function totalUsageMicro(reader: Client): Promise<bigint> {
  const { rows } = await reader.query<{ total: string | null }>(
    'select sum(total_micro)::text as total from projections.usage_daily',
  );
  return BigInt(rows[0]?.total ?? '0');
}

export async function waitFor(
  probe: () => Promise<boolean>,
  what: string,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + waitTimeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
