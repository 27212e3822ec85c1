import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionExecuted, periodStarted } from '../support/action-fixtures';
import { AppProcess, startAppProcess } from '../support/app-process';

// `npm start` with nothing configured: the whole system in one process on PGlite and the
// in-process bus. Empty DATABASE_URL / KAFKA_BROKERS count as unset (runtime config), which
// overrides whatever the test runner's environment holds.
const embeddedEnvironment = (dataDir: string): Record<string, string> => ({
  TALLY_DATA_DIR: dataDir,
  PORT: '0',
  DATABASE_URL: '',
  KAFKA_BROKERS: '',
});

const startUpTimeoutMs = 180_000;
const pollIntervalMs = 250;

interface RunningTally {
  app: AppProcess;
  baseUrl: string;
  token: string;
}

async function startTally(dataDir: string): Promise<RunningTally> {
  const app = startAppProcess('tally', embeddedEnvironment(dataDir));
  const deadline = Date.now() + startUpTimeoutMs;
  for (;;) {
    const printed = /Billing page: (http:\/\/localhost:\d+)\/billing\?token=([A-Za-z0-9._-]+)/.exec(
      app.output(),
    );
    if (printed) return { app, baseUrl: printed[1] as string, token: printed[2] as string };
    if (app.child.exitCode !== null)
      throw new Error(`tally exited with ${app.child.exitCode}:\n${app.output()}`);
    if (Date.now() > deadline)
      throw new Error(`tally did not print its billing page URL:\n${app.output()}`);
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
}

async function readBalance(
  tally: RunningTally,
  workspaceId: string,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${tally.baseUrl}/v1/workspaces/${workspaceId}/credits`, {
    headers: { authorization: `Bearer ${tally.token}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function balanceWhen(
  tally: RunningTally,
  workspaceId: string,
  ready: (balance: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + startUpTimeoutMs;
  for (;;) {
    const balance = await readBalance(tally, workspaceId);
    if (ready(balance)) return balance;
    if (Date.now() > deadline)
      throw new Error(`balance never got there: ${JSON.stringify(balance)}`);
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
}

// Nest's shutdown hook (enableShutdownHooks in the billing API) re-raises SIGTERM once the API
// has closed, so the process may end by that signal rather than with code 0: both are a stop.
async function stopped(app: AppProcess): Promise<void> {
  await app.kill('SIGTERM');
  expect({ code: app.child.exitCode, signal: app.child.signalCode }).toEqual(
    app.child.exitCode === 0 ? { code: 0, signal: null } : { code: null, signal: 'SIGTERM' },
  );
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** The first IPv4 address of this machine that is not the loopback, if it has one. */
function networkAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal)?.address;
}

/** The pinned §3 fields: the additive forecast depends on the clock, not on the data. */
function pinned(balance: Record<string, unknown>): Record<string, unknown> {
  const { forecast: _forecast, ...rest } = balance;
  return rest;
}

describe('npm start, embedded (the tally app as a process on a clean data dir)', () => {
  let dataDir: string;
  const started: AppProcess[] = [];

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tally-embedded-'));
  });

  afterAll(async () => {
    for (const app of started) await app.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('embedded runner listens on 127.0.0.1 by default', async () => {
    const tally = await startTally(dataDir);
    started.push(tally.app);
    const listening = /Listening on ([^\s]+):(\d+) /.exec(tally.app.output());
    expect(listening?.[1]).toBe('127.0.0.1');
    const port = Number(listening?.[2]);
    expect(await accepts('127.0.0.1', port)).toBe(true);
    const outside = networkAddress();
    if (outside !== undefined) expect(await accepts(outside, port)).toBe(false);
    // The printed operator token fits the API's lifetime maximum (a day by default).
    const claims = JSON.parse(
      Buffer.from(tally.token.split('.')[1] as string, 'base64url').toString('utf8'),
    );
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(86_400);
    await stopped(tally.app);
  }, 600_000);

  it('prices actions ingested over HTTP and finds the same balance after a restart', async () => {
    const first = await startTally(dataDir);
    started.push(first.app);
    const workspaceId = `e2e-embedded-${randomUUID()}`;
    const now = new Date();
    const period = periodStarted(workspaceId, {
      periodStart: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString(),
      periodEnd: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
    });
    const actions = [
      ...Array.from({ length: 3 }, () => actionExecuted(workspaceId, { kind: 'record.create' })),
      ...Array.from({ length: 2 }, () => actionExecuted(workspaceId, { kind: 'http.request' })),
    ];
    // Price book: record.create 100 µcr, http.request 1000 µcr.
    const expectedUsedMicro = (3n * 100n + 2n * 1_000n).toString();
    const ingest = await fetch(`${first.baseUrl}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' },
      body: JSON.stringify([period, ...actions]),
    });
    expect(ingest.status).toBe(202);
    expect(await ingest.json()).toEqual({ accepted: 6, rejected: [] });

    const before = await balanceWhen(
      first,
      workspaceId,
      (balance) => balance.usedThisPeriodMicro === expectedUsedMicro,
    );
    expect(before).toMatchObject({
      status: 'active',
      allocationMicro: '5000000',
      allocationRemainingMicro: '4997700',
      usedThisPeriodMicro: '2300',
      totalAvailableMicro: '4997700',
      overdraftMicro: '0',
    });

    await stopped(first.app);

    const second = await startTally(dataDir);
    started.push(second.app);
    const after = await readBalance(second, workspaceId);
    expect(pinned(after)).toEqual(pinned(before));
    await stopped(second.app);
  }, 600_000);
});
