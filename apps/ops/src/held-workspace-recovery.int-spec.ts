import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pino from 'pino';
import {
  createPostgresEventStore,
  EventStore,
  positionToString,
  SqlClient,
} from '@tally/event-store';
import { WorkspaceLedger } from '@tally/ledger';
import { createInProcessBus, MessageBus } from '@tally/messaging';
import { ProjectionQueries } from '@tally/projections';
import { createBillingApi } from '../../billing-api/src';
import type { HealthReport } from '../../billing-api/src/health/health-report';
import { RunningProjector, startProjector } from '../../projector/src';
import { appendBurst, appendMoreActions } from '../../../libs/projections/test/credit-burst';
import { replayWorkspace } from '../../../libs/projections/test/replay-views';
import { overwriteStoredField } from '../../../tools/support/stored-events';
import {
  appendDebitCopy,
  OVERFLOWING_AMOUNT_MICRO,
} from '../../../libs/projections/test/stored-debits';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';
import { heldCommand, retryCommand } from './commands/projections-held.command';
import type { OpsContext } from './ops-context';

jest.setTimeout(60_000);

describe('a workspace held back by a bad stored event, and its recovery', () => {
  let database: TestDatabase;
  let store: EventStore & { sql: SqlClient };
  let bus: MessageBus;
  let running: RunningProjector;
  let app: NestExpressApplication;
  let baseUrl: string;
  let queries: ProjectionQueries;
  const logLines: { level: number; msg: string; workspaceId?: string; projection?: string }[] = [];
  const [workspaceA, workspaceB, workspaceC] = [
    `ws-${randomUUID()}`,
    `ws-${randomUUID()}`,
    `ws-${randomUUID()}`,
  ];

  beforeAll(async () => {
    database = await createTestDatabase('tally_held_ops');
    store = await createPostgresEventStore({ connectionString: database.connectionString });
    bus = createInProcessBus();
    const logger = pino(
      { level: 'error' },
      { write: (line: string) => void logLines.push(JSON.parse(line)) },
    );
    running = await startProjector({ store, sql: store.sql, logger });
    app = await createBillingApi({
      store,
      sql: store.sql,
      bus,
      jwtSecret: `secret-${randomUUID()}`,
    });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
    queries = new ProjectionQueries(store.sql);
  });

  afterAll(async () => {
    await app.close();
    await running.stop();
    await bus.close();
    await store.close();
    await database.drop();
  });

  function opsContext(): OpsContext & { lines: string[] } {
    const lines: string[] = [];
    return { store, sql: store.sql, out: (line) => lines.push(line), err: () => undefined, lines };
  }

  async function caughtUp(): Promise<void> {
    await running.projector.waitFor(await store.lastCommittedPosition(), 30_000);
  }

  async function health(): Promise<{ status: number; body: HealthReport }> {
    const response = await fetch(`${baseUrl}/health`);
    return { status: response.status, body: (await response.json()) as HealthReport };
  }

  async function expectViewsMatchReplay(workspaceId: string): Promise<void> {
    const replayed = await replayWorkspace(store, workspaceId);
    expect(await queries.balance(workspaceId)).toEqual(replayed.balance);
    const usage = await queries.usageByDay(workspaceId, '2026-01-01', '2026-04-01');
    expect(
      usage.map((bucket) => [bucket.bucketStart.slice(0, 10), bucket.totalMicro, bucket.count]),
    ).toEqual(
      [...replayed.usage.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([day, bucket]) => [day, bucket.totalMicro.toString(), bucket.count]),
    );
    expect((await queries.statement(workspaceId, null, 500)).entries).toHaveLength(
      replayed.movements,
    );
  }

  async function heldGauge(projection: string): Promise<string | undefined> {
    const text = await running.metrics.registry.metrics();
    return new RegExp(
      `^tally_projector_held_workspaces\\{projection="${projection}"\\} (\\d+)$`,
      'm',
    ).exec(text)?.[1];
  }

  it('keeps projecting the other workspaces, reports the held one everywhere, and catches it up once its event is repaired', async () => {
    const ledger = new WorkspaceLedger(store, store.sql);
    await appendBurst(ledger, [workspaceA, workspaceB, workspaceC], 3);
    await caughtUp();
    const lastGoodA = await queries.balance(workspaceA);
    expect((await health()).status).toBe(200);

    // One event the projections cannot apply: its amount overflows every bigint column.
    const poison = await appendDebitCopy(store, workspaceA, (data) => ({
      ...data,
      amountMicro: OVERFLOWING_AMOUNT_MICRO,
    }));
    await appendDebitCopy(store, workspaceA);
    await appendMoreActions(ledger, [workspaceB, workspaceC], 4);
    await caughtUp();

    for (const workspaceId of [workspaceB, workspaceC]) await expectViewsMatchReplay(workspaceId);
    expect(await queries.balance(workspaceA)).toEqual(lastGoodA);

    const held = opsContext();
    expect(await heldCommand(held)).toBe(0);
    const at = positionToString(poison.position);
    for (const projection of ['balance', 'statement', 'usage'])
      expect(
        held.lines.some(
          (line) => line.startsWith(projection) && line.includes(`${workspaceA} from ${at}`),
        ),
      ).toBe(true);
    expect(held.lines.at(-1)).toMatch(/^1 workspace\(s\) held back, 3 hold\(s\)/);

    const unhealthy = await health();
    expect(unhealthy.status).toBe(503);
    expect(unhealthy.body.failed).toEqual(['heldWorkspaces']);
    expect(new Set(unhealthy.body.heldWorkspaces.map((hold) => hold.workspaceId))).toEqual(
      new Set([workspaceA]),
    );
    expect(await heldGauge('usage')).toBe('1');
    expect(await heldGauge('rollover')).toBe('0');
    expect(
      logLines
        .filter((line) => line.level === 50 && line.workspaceId === workspaceA)
        .map((line) => line.projection)
        .sort(),
    ).toEqual(['balance', 'statement', 'usage']);

    // Retrying before the cause is fixed changes nothing but the recorded error.
    const early = opsContext();
    expect(await retryCommand(early, workspaceA)).toBe(1);
    expect(early.lines).toEqual([
      expect.stringMatching(/^retried 3 hold\(s\): 0 released .*, 3 still held/),
    ]);
    expect(await queries.balance(workspaceA)).toEqual(lastGoodA);

    // The fix (a code change, in real life) makes the stored event apply.
    await overwriteStoredField(store.sql, poison.id, ['amountMicro'], '100');
    const retry = opsContext();
    expect(await retryCommand(retry, workspaceA)).toBe(0);
    expect(retry.lines).toEqual([
      expect.stringMatching(
        /^retried 3 hold\(s\): 3 released \(\d+ event\(s\) re-applied\), 0 still held$/,
      ),
    ]);
    await expectViewsMatchReplay(workspaceA);

    const cleared = opsContext();
    expect(await heldCommand(cleared)).toBe(0);
    expect(cleared.lines).toEqual(['no workspace is held back']);
    expect((await health()).status).toBe(200);
    expect(await heldGauge('usage')).toBe('0');

    // The live projector carries on with the workspace's later events.
    await appendDebitCopy(store, workspaceA);
    await caughtUp();
    await expectViewsMatchReplay(workspaceA);
  });
});
