// What writing the balance inline costs the ledger: batches of debits through a WorkspaceLedger
// with and without the inline read models, alternated, on fresh databases of the local
// PostgreSQL; actions/s, and CPU µs per action of this process (decide, encode, the driver) and
// of the database's backends (from /proc). No Kafka, no projector.
// Run: npm run bench:inline (BENCH_BATCH, BENCH_WORKSPACES, BENCH_ROUNDS override the sizes).
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createPostgresEventStore } from '@tally/event-store';
import { KeyedCommand, WorkspaceLedger } from '@tally/ledger';
import { inlineReadModels, migrateProjections } from '@tally/projections';
import { createTestDatabase } from '../support/test-database';
import { cpuSecondsOf } from './process-cpu';

const batch = Number(process.env.BENCH_BATCH ?? 1_000);
const workspaceCount = Number(process.env.BENCH_WORKSPACES ?? 2_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
const at = new Date().toISOString();

function debits(workspaces: string[], count: number): KeyedCommand[] {
  return Array.from({ length: count }, (_, index) => {
    const commandId = randomUUID();
    const workspaceId = workspaces[Math.floor(Math.random() * workspaces.length)] as string;
    return {
      command: {
        type: 'DebitAction',
        commandId,
        workspaceId,
        occurredAt: at,
        processedAt: at,
        source: index % 5 === 0 ? 'ai-agent' : 'workflow',
        action:
          index % 5 === 0
            ? {
                kind: 'ai.generate',
                ai: { model: 'gpt-4o-mini', inputTokens: 900, outputTokens: 200 },
              }
            : { kind: 'record.create' },
      },
      idempotencyKey: `${workspaceId}/action/${commandId}`,
    };
  });
}

async function measure(inline: boolean) {
  const database = await createTestDatabase('tally_bench_inline');
  const store = await createPostgresEventStore({ connectionString: database.connectionString });
  const observer = new Client({ connectionString: database.connectionString });
  await observer.connect();
  try {
    await migrateProjections(store.sql);
    const ledger = new WorkspaceLedger(
      store,
      store.sql,
      inline ? { readModels: await inlineReadModels(store.sql) } : {},
    );
    const workspaces = Array.from({ length: workspaceCount }, (_, index) => `ws-${index}`);
    for (let from = 0; from < workspaces.length; from += 500) {
      await ledger.execute(
        workspaces.slice(from, from + 500).map((workspaceId) => ({
          command: {
            type: 'OpenPeriod',
            commandId: randomUUID(),
            workspaceId,
            occurredAt: at,
            processedAt: at,
            cycle: 'monthly',
            periodStart: '2026-01-01T00:00:00.000Z',
            periodEnd: '2099-01-01T00:00:00.000Z',
          },
          idempotencyKey: `${workspaceId}/period`,
        })),
      );
    }
    for (let warm = 0; warm < 5; warm += 1) await ledger.execute(debits(workspaces, batch));
    const backends = async () =>
      (
        await observer.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
        )
      ).rows.map((row) => row.pid);
    const before = new Map((await backends()).map((pid) => [pid, cpuSecondsOf(pid)]));
    const nodeBefore = process.cpuUsage();
    const started = performance.now();
    for (let round = 0; round < rounds; round += 1) await ledger.execute(debits(workspaces, batch));
    const elapsedMs = performance.now() - started;
    const node = process.cpuUsage(nodeBefore);
    let postgresSeconds = 0;
    for (const pid of await backends())
      postgresSeconds += cpuSecondsOf(pid) - (before.get(pid) ?? 0);
    const actions = rounds * batch;
    return {
      inline,
      actionsPerSecond: Math.round((actions / elapsedMs) * 1_000),
      nodeMicrosPerAction: Math.round(((node.user + node.system) / actions) * 10) / 10,
      postgresMicrosPerAction: Math.round(((postgresSeconds * 1e6) / actions) * 10) / 10,
    };
  } finally {
    await observer.end();
    await store.close();
    await database.drop();
  }
}

async function main(): Promise<void> {
  const runs = [];
  for (const inline of [false, true, false, true]) runs.push(await measure(inline));
  console.log(JSON.stringify({ benchmark: 'inline-cost', batch, workspaceCount, rounds, runs }));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
