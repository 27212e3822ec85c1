import { randomUUID } from 'node:crypto';
import { initialWorkspaceState } from '@tally/credits';
import {
  createPgliteEventStore,
  createPostgresEventStore,
  EventStore,
  SqlClient,
} from '@tally/event-store';
import { WorkspaceLedger } from '@tally/ledger';
import {
  ALL_PROJECTIONS,
  BALANCE_CHANGED_CHANNEL,
  inlineReadModels,
  LIVE_SCHEMA,
  ProjectionQueries,
  Projector,
  rebuildProjections,
  reconcileBalances,
} from '@tally/projections';
import { upsertBalances } from './balance/balance.sql';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';
import { appendBurst, appendMoreActions } from '../test/credit-burst';
import { replayWorkspace } from '../test/replay-views';
import { copyLiveTables, rowsDifferingFromLive } from '../test/table-differences';

jest.setTimeout(60_000);

/** The live balance rows, whole, in workspace order. */
async function balanceRows(sql: SqlClient): Promise<unknown[]> {
  return await sql.query(`SELECT * FROM ${LIVE_SCHEMA}.balances ORDER BY workspace_id`);
}

type Store = EventStore & { sql: SqlClient; close(): Promise<void> };

describe.each([
  ['PostgreSQL', 'server'],
  ['PGlite (embedded)', 'embedded'],
] as const)('the balance written inline by the ledger (%s)', (_name, kind) => {
  let database: TestDatabase | undefined;
  let store: Store;
  let queries: ProjectionQueries;
  let ledger: WorkspaceLedger;
  const workspaceIds = Array.from({ length: 3 }, () => `ws-${randomUUID()}`);

  beforeAll(async () => {
    if (kind === 'server') {
      database = await createTestDatabase('tally_inline_read_models');
      store = await createPostgresEventStore({ connectionString: database.connectionString });
    } else {
      store = await createPgliteEventStore();
    }
    queries = new ProjectionQueries(store.sql);
    ledger = new WorkspaceLedger(store, store.sql, {
      readModels: await inlineReadModels(store.sql),
    });
  });

  afterAll(async () => {
    await store.close();
    await database?.drop();
  });

  it('is true the moment the append returns, with no projector running, and is announced', async () => {
    const announced = new Set<string>();
    const stopListening = await store.sql.listen(BALANCE_CHANGED_CHANNEL, (workspaceId) =>
      announced.add(workspaceId),
    );
    await appendBurst(ledger, workspaceIds, 12);
    // Read straight after the append: no projector exists in this test.
    for (const workspaceId of workspaceIds) {
      const replayed = await replayWorkspace(store, workspaceId);
      expect(await queries.balance(workspaceId)).toEqual(replayed.balance);
      expect(replayed.balance.position).toBe(replayed.last?.position.prepare.toString());
    }
    for (let waited = 0; announced.size < workspaceIds.length && waited < 5_000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await stopListening();
    expect([...announced].sort()).toEqual([...workspaceIds].sort());
  });

  it('is left as it is by the projector, which fills only what no inline writer wrote', async () => {
    const inline = await balanceRows(store.sql);
    const projector = new Projector(store, store.sql, { batchSizeMax: 29 });
    await projector.start();
    try {
      await projector.waitFor(await store.lastCommittedPosition(), 30_000);
      expect(await balanceRows(store.sql)).toEqual(inline);
      // A ledger without inline read models: its debits reach the balance through the projector.
      const plain = new WorkspaceLedger(store, store.sql);
      const workspaceId = workspaceIds[2] as string;
      await appendMoreActions(plain, [workspaceId], 4);
      const stale = await queries.balance(workspaceId);
      expect(stale).not.toEqual((await replayWorkspace(store, workspaceId)).balance);
      await projector.waitFor(await store.lastCommittedPosition(), 30_000);
      expect(await queries.balance(workspaceId)).toEqual(
        (await replayWorkspace(store, workspaceId)).balance,
      );
      // The inline ledger takes over again from its own state of the workspace.
      ledger.forgetAll();
      await appendMoreActions(ledger, [workspaceId], 3);
      expect(await queries.balance(workspaceId)).toEqual(
        (await replayWorkspace(store, workspaceId)).balance,
      );
      await projector.waitFor(await store.lastCommittedPosition(), 30_000);
    } finally {
      await projector.stop();
    }
  });

  it('never goes back to an older position, whoever writes it', async () => {
    const workspaceId = workspaceIds[0] as string;
    const before = await balanceRows(store.sql);
    const current = await queries.balance(workspaceId);
    await upsertBalances(store.sql, LIVE_SCHEMA, [
      {
        state: initialWorkspaceState(workspaceId),
        position: BigInt(current.position) - 1n,
        updatedAt: new Date(),
      },
    ]);
    expect(await balanceRows(store.sql)).toEqual(before);
  });

  it('equals, row for row, what a rebuild from the events makes', async () => {
    await copyLiveTables(store.sql, 'inline_before_rebuild');
    await rebuildProjections(store, store.sql, ALL_PROJECTIONS, {
      pageSize: 50,
      rangeEventsMax: 41,
    });
    expect(await rowsDifferingFromLive(store.sql, 'inline_before_rebuild')).toEqual({
      balances: 0,
      rollover_periods: 0,
      usage_daily: 0,
      statement_entries: 0,
    });
  });
  it('keeps rows written past the projector checkpoint through reconcile and a rebuild', async () => {
    // No projector runs now: the balance checkpoint stays where the last one left it.
    const workspaceId = workspaceIds[1] as string;
    await appendMoreActions(ledger, [workspaceId], 5);
    const replayed = (await replayWorkspace(store, workspaceId)).balance;
    expect(await queries.balance(workspaceId)).toEqual(replayed);
    const reconciled = await reconcileBalances(store, store.sql);
    expect(reconciled.differences).toEqual([]);
    expect(reconciled.aheadOfCheckpoint).toBe(1);
    await rebuildProjections(store, store.sql, ALL_PROJECTIONS, { pageSize: 50 });
    expect(await queries.balance(workspaceId)).toEqual(replayed);
  });
  it('keeps a row written inline while a rebuild runs, across its switch', async () => {
    const workspaceId = workspaceIds[2] as string;
    let during: Promise<void> | undefined;
    await rebuildProjections(store, store.sql, ALL_PROJECTIONS, {
      pageSize: 50,
      rangeEventsMax: 7,
      // Once the rebuild has read its head: debits it will not fold, written to the live table.
      onProgress: () => {
        during ??= appendMoreActions(ledger, [workspaceId], 2);
      },
    });
    expect(during).toBeDefined(); // the earlier tests' events make several ranges
    await during;
    expect(await queries.balance(workspaceId)).toEqual(
      (await replayWorkspace(store, workspaceId)).balance,
    );
  });
});
