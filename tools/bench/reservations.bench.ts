// Reservations on the real database (issue 14), the billing API in its own process, called
// through @tally/client: reserve latency at a fixed rate over many workspaces, the rate one hot
// workspace sustains with 50 concurrent callers beside the raw PostgreSQL single-row transaction
// rate of the same run, and how late the deadline scheduler expires 10,000 holds that fall due
// within one second; and where the latency goes: the same holds through a ledger in this process
// (no API), and HTTP calls to a server that does nothing. Run: npm run bench:reservations (BENCH_RESERVE_RATE,
// BENCH_RESERVE_SECONDS, BENCH_WORKSPACES, BENCH_DUE_ITEMS; BENCH_PHASES=fixed,parts,hot,raw,scheduler
// runs only those, e.g. while profiling the API with TALLY_APP_NODE_ARGS=--cpu-prof).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { signToken } from '../../apps/billing-api/src';
import { CreditsClient, TallyHttp } from '@tally/client';
import { createPostgresEventStore, EventStore, SqlClient } from '@tally/event-store';
import { DeadlineScheduler, KeyedCommand, reserveCommand, WorkspaceLedger } from '@tally/ledger';
import { Pool } from 'pg';
import { AppProcess, startAppProcess } from '../support/app-process';
import { createTestDatabase } from '../support/test-database';
import { runAtFixedRate, summary } from './fixed-rate';

const rate = Number(process.env.BENCH_RESERVE_RATE ?? 500);
const seconds = Number(process.env.BENCH_RESERVE_SECONDS ?? 20);
const workspaceCount = Number(process.env.BENCH_WORKSPACES ?? 1_000);
const dueItems = Number(process.env.BENCH_DUE_ITEMS ?? 10_000);
const phases = new Set((process.env.BENCH_PHASES ?? 'fixed,parts,hot,raw,scheduler').split(','));
const hotCallers = 50;
const hotSeconds = 10;
const jwtSecret = randomUUID();

type Store = EventStore & { sql: SqlClient; close(): Promise<void> };

async function openWorkspaces(ledger: WorkspaceLedger, ids: string[]): Promise<void> {
  const at = new Date().toISOString();
  const commands: KeyedCommand[] = ids.map((workspaceId) => ({
    command: {
      type: 'OpenPeriod',
      commandId: `p-${workspaceId}`,
      workspaceId,
      occurredAt: at,
      processedAt: at,
      cycle: 'yearly',
      periodStart: '2026-01-01T00:00:00.000Z',
      periodEnd: '2099-01-01T00:00:00.000Z',
      allocationMicro: 10n ** 15n,
    },
    idempotencyKey: `${workspaceId}/period/bench`,
  }));
  for (let from = 0; from < commands.length; from += 500)
    await ledger.execute(commands.slice(from, from + 500));
}

/** Reserves through @tally/client, returns the latency; with `release`, then ends the hold. */
async function reserveOverHttp(
  client: CreditsClient,
  workspaceId: string,
  release = false,
): Promise<number> {
  const reservationId = randomUUID();
  const started = performance.now();
  const answer = await client.reserve(workspaceId, { reservationId, amountMicro: 1_000n });
  if (!answer.allowed) throw new Error(`reserve refused: ${JSON.stringify(answer)}`);
  const latencyMs = performance.now() - started;
  if (release) await client.release(workspaceId, reservationId);
  return latencyMs;
}

/** Fires `rate` calls a second for `seconds`; `call(index)` makes one and returns its latency. */
async function fixedRate(call: (index: number) => Promise<number>) {
  // A failed call fails the phase once the calls in flight are in, not the process in mid-phase
  // (which would leave the API's process running).
  const run = await runAtFixedRate(rate, seconds, call, { stopAtFirstFailure: true });
  if (run.failures.length > 0) throw run.failures[0];
  return {
    achievedPerSecond: Math.round((rate * seconds) / run.elapsedS),
    latencyMs: summary(run.latencies),
    generatorEventLoopDelayMs: run.generatorEventLoopDelayMs,
  };
}

/** The same hold decided and stored by a ledger in this process: the API's part left out. */
async function reserveInLedger(ledger: WorkspaceLedger, workspaceId: string): Promise<number> {
  const started = performance.now();
  const request = { workspaceId, reservationId: randomUUID(), amountMicro: 1_000n };
  const expiresAt = new Date(Date.now() + 15 * 60_000).toISOString();
  const [outcome] = await ledger.execute([
    reserveCommand({ ...request, expiresAt }, new Date().toISOString()),
  ]);
  if (outcome?.kind !== 'applied') throw new Error(`hold not made: ${JSON.stringify(outcome)}`);
  return performance.now() - started;
}

/**
 * The fixed rate through the ledger alone. The API's process has written to these workspaces
 * since this ledger cached them: it forgets them and loads each once before measuring, as the
 * API's ledger had them loaded (else the phase would measure conflict retries).
 */
async function ledgerOnly(ledger: WorkspaceLedger, workspaces: string[]) {
  ledger.forgetAll();
  for (let from = 0; from < workspaces.length; from += 100)
    await Promise.all(workspaces.slice(from, from + 100).map((id) => reserveInLedger(ledger, id)));
  return await fixedRate((index) =>
    reserveInLedger(ledger, workspaces[index % workspaces.length] as string),
  );
}

// The floor of one HTTP call on this machine: a bare node:http server in its own process that
// answers every POST with a small JSON body, called through the client's own transport.
const BARE_SERVER = `require('node:http').createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.setHeader('content-type', 'application/json');
    response.end('{"allowed":true}');
  });
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;

async function withBareServer<T>(work: (url: string) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, ['-e', BARE_SERVER], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<string>((resolve) =>
      child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8').trim())),
    );
    return await work(`http://127.0.0.1:${port}/`);
  } finally {
    child.kill();
  }
}

async function bareHttpCall(http: TallyHttp): Promise<number> {
  const started = performance.now();
  await http.request('POST', '/', { reservationId: randomUUID(), amountMicro: '1000' });
  return performance.now() - started;
}

/** 50 callers on one workspace as fast as they can, each reserving then releasing its hold. */
async function hotWorkspace(client: CreditsClient, workspaceId: string) {
  const latencies: number[] = [];
  const until = performance.now() + hotSeconds * 1_000;
  await Promise.all(
    Array.from({ length: hotCallers }, async () => {
      while (performance.now() < until)
        latencies.push(await reserveOverHttp(client, workspaceId, true));
    }),
  );
  return { perSecond: Math.round(latencies.length / hotSeconds), latencyMs: summary(latencies) };
}

/** The ceiling: single-statement transactions updating one row, 50 connections at once. */
async function rawSingleRowRate(connectionString: string) {
  const pool = new Pool({ connectionString, max: hotCallers });
  await pool.query('CREATE TABLE bench_hot_row (id int PRIMARY KEY, n bigint NOT NULL)');
  await pool.query('INSERT INTO bench_hot_row VALUES (1, 0)');
  let count = 0;
  const until = performance.now() + hotSeconds * 1_000;
  await Promise.all(
    Array.from({ length: hotCallers }, async () => {
      while (performance.now() < until) {
        await pool.query('UPDATE bench_hot_row SET n = n + 1 WHERE id = 1');
        count += 1;
      }
    }),
  );
  await pool.end();
  return { perSecond: Math.round(count / hotSeconds) };
}

/** `dueItems` holds over the workspaces, all falling due within one second; then the scheduler. */
async function schedulerLateness(store: Store, ledger: WorkspaceLedger, workspaces: string[]) {
  const windowStart = Date.now() + 60_000;
  const now = new Date().toISOString();
  const commands = Array.from({ length: dueItems }, (_, index) =>
    reserveCommand(
      {
        workspaceId: workspaces[index % workspaces.length] as string,
        reservationId: `due-${index}`,
        amountMicro: 1_000n,
        expiresAt: new Date(windowStart + Math.floor((index * 1_000) / dueItems)).toISOString(),
      },
      now,
    ),
  );
  for (let from = 0; from < commands.length; from += 500)
    await ledger.execute(commands.slice(from, from + 500));
  const latenessMs: number[] = [];
  const scheduler = new DeadlineScheduler(ledger, store.sql, {
    onDecided: (lateness) => latenessMs.push(...lateness),
  });
  await new Promise((resolve) => setTimeout(resolve, windowStart - Date.now() - 2_000));
  scheduler.start();
  while (latenessMs.length < workspaces.length && Date.now() < windowStart + 30_000)
    await new Promise((resolve) => setTimeout(resolve, 100));
  await scheduler.stop();
  return { dueItems, workspacesDue: latenessMs.length, latenessMs: summary(latenessMs) };
}

/** The billing API as its own process (`apps/billing-api`), so the load generator is not measured. */
async function startApi(connectionString: string): Promise<{ api: AppProcess; baseUrl: string }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const api = startAppProcess('billing-api', {
    DATABASE_URL: connectionString,
    KAFKA_BROKERS: '',
    PORT: String(port),
    TALLY_JWT_SECRET: jwtSecret,
    // One generator is one client: a catch-up burst after its own stall must not meet a 429.
    TALLY_RATE_LIMIT_PER_SECOND: '1000000',
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    if (api.child.exitCode !== null) throw new Error(`the API exited:\n${api.output()}`);
    const up = await fetch(`${baseUrl}/health`).then(
      (response) => response.status < 500,
      () => false,
    );
    if (up) return { api, baseUrl };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the API did not answer:\n${api.output()}`);
}

async function main(): Promise<void> {
  const database = await createTestDatabase('tally_bench_reservations');
  const store = (await createPostgresEventStore({
    connectionString: database.connectionString,
  })) as Store;
  let api: AppProcess | undefined;
  try {
    const ledger = new WorkspaceLedger(store, store.sql);
    const workspaces = Array.from({ length: workspaceCount }, () => randomUUID());
    await openWorkspaces(ledger, workspaces);
    const started = await startApi(database.connectionString);
    api = started.api;
    const { baseUrl } = started;
    const token = await signToken({ workspaceId: '*', scope: 'credits:reserve' }, jwtSecret, 3_600);
    // No retries: a failed call fails the run rather than hiding in the latencies.
    const client = new CreditsClient({ baseUrl, token, retry: { attemptsMax: 1 } });
    const overHttp = (index: number) =>
      reserveOverHttp(client, workspaces[index % workspaces.length] as string);
    await fixedRate(overHttp); // warm-up, not reported
    const report = {
      benchmark: 'reservations',
      workspaces: workspaceCount,
      fixedRate: phases.has('fixed')
        ? { target: rate, seconds, ...(await fixedRate(overHttp)) }
        : 'skipped',
      // Where the latency goes: the ledger alone, and an HTTP call to a server that does nothing.
      fixedRateLedgerOnly: phases.has('parts') ? await ledgerOnly(ledger, workspaces) : 'skipped',
      fixedRateBareHttp: phases.has('parts')
        ? await withBareServer(async (url) => {
            const http = new TallyHttp({ baseUrl: url, token: 'x', retry: { attemptsMax: 1 } });
            await fixedRate(() => bareHttpCall(http)); // warm-up, not reported
            return await fixedRate(() => bareHttpCall(http));
          })
        : 'skipped',
      hotWorkspace: phases.has('hot')
        ? { callers: hotCallers, ...(await hotWorkspace(client, workspaces[0] as string)) }
        : 'skipped',
      rawSingleRowTransactions: phases.has('raw')
        ? await rawSingleRowRate(database.connectionString)
        : 'skipped',
      scheduler: phases.has('scheduler')
        ? await schedulerLateness(store, ledger, workspaces)
        : 'skipped',
      node: process.version,
    };
    console.log(JSON.stringify(report));
  } finally {
    await api?.kill('SIGTERM');
    await store.close();
    await database.drop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
