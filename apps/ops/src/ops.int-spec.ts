import { randomUUID } from 'node:crypto';
import { createPostgresEventStore, EventStore, SqlClient } from '@tally/event-store';
import { WorkspaceLedger, workspaceStreamName } from '@tally/ledger';
import { Projector } from '@tally/projections';
import { appendBurst } from '../../../libs/projections/test/credit-burst';
import { replayWorkspace } from '../../../libs/projections/test/replay-views';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';
import { balanceAtCommand } from './commands/balance-at.command';
import { rebuildCommand } from './commands/projections-rebuild.command';
import { statusCommand } from './commands/projections-status.command';
import { reconcileCommand } from './commands/reconcile.command';
import { streamShowCommand } from './commands/stream-show.command';
import type { OpsContext } from './ops-context';

jest.setTimeout(60_000);

describe('ops commands over PostgreSQL', () => {
  let database: TestDatabase;
  let store: EventStore & { sql: SqlClient };
  let projector: Projector;
  let lines: string[];
  let context: OpsContext;
  const workspaceIds = [`ws-${randomUUID()}`, `ws-${randomUUID()}`];

  beforeAll(async () => {
    database = await createTestDatabase('tally_ops');
    store = await createPostgresEventStore({ connectionString: database.connectionString });
    projector = new Projector(store, store.sql);
    await projector.start();
    await appendBurst(new WorkspaceLedger(store, store.sql), workspaceIds, 15);
    await projector.waitFor(await store.lastCommittedPosition(), 30_000);
  });

  beforeEach(() => {
    lines = [];
    context = { store, sql: store.sql, out: (line) => lines.push(line), err: () => undefined };
  });

  afterAll(async () => {
    await projector.stop();
    await store.close();
    await database.drop();
  });

  it('reconciles cleanly when the balance projection matches the events', async () => {
    expect(await reconcileCommand(context)).toBe(0);
    expect(lines).toEqual([
      expect.stringMatching(
        /^reconciled 2 workspace balance\(s\) against \d+ event\(s\) up to \d+\/\d+: no differences \(\d+\.\d\d s\)$/,
      ),
    ]);
  });

  it('exits non-zero and names the workspace and field when a projected balance differs', async () => {
    const workspaceId = workspaceIds[0] as string;
    await store.sql.query(
      `UPDATE projections.balances SET purchased_micro = purchased_micro + 1 WHERE workspace_id = $1`,
      [workspaceId],
    );
    expect(await reconcileCommand(context)).toBe(1);
    expect(lines.some((line) => line.startsWith(`${workspaceId}: purchasedMicro projected`))).toBe(
      true,
    );
  });

  it('rebuilds all projections from the events, which repairs the damaged row', async () => {
    expect(await rebuildCommand(context, 'all')).toBe(0);
    expect(lines[0]).toMatch(/^rebuilt balance, rollover, usage, statement: \d+ events/);
    lines = [];
    expect(await reconcileCommand(context)).toBe(0);
  });

  it('shows the balance as it was at an instant, replayed from the events', async () => {
    const workspaceId = workspaceIds[1] as string;
    expect(
      await balanceAtCommand(context, workspaceId, new Date(Date.now() + 60_000).toISOString()),
    ).toBe(0);
    expect(JSON.parse(lines.join('\n'))).toEqual(
      (await replayWorkspace(store, workspaceId)).balance,
    );
    lines = [];
    expect(await balanceAtCommand(context, workspaceId, '2000-01-01T00:00:00Z')).toBe(0);
    expect(JSON.parse(lines.join('\n'))).toMatchObject({
      status: 'no_plan',
      totalAvailableMicro: '0',
      position: '0',
    });
  });

  it('shows a stream one event per line and the status of every projection', async () => {
    const workspaceId = workspaceIds[1] as string;
    expect(await streamShowCommand(context, workspaceId)).toBe(0);
    expect(lines.length).toBe((await store.readStream(workspaceStreamName(workspaceId))).length);
    expect(lines[0]).toMatch(/^#0 \S+ CreditPeriodOpened/);
    lines = [];
    expect(await statusCommand(context)).toBe(0);
    expect(lines.filter((line) => / checkpoint \d+\/\d+/.test(line))).toHaveLength(4);
  });
});
