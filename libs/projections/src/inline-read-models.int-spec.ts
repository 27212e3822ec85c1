import { randomUUID } from 'node:crypto';
import { createPostgresEventStore, EventStore, SqlClient } from '@tally/event-store';
import { WorkspaceLedger } from '@tally/ledger';
import {
  ALL_PROJECTIONS,
  BALANCE_CHANGED_CHANNEL,
  inlineReadModels,
  LIVE_SCHEMA,
  ProjectionQueries,
  Projector,
  rebuildProjections,
} from '@tally/projections';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';
import { appendBurst, appendMoreActions } from '../test/credit-burst';
import { replayWorkspace } from '../test/replay-views';
import { copyLiveTables, rowsDifferingFromLive } from '../test/table-differences';

jest.setTimeout(60_000);

/** The live balance rows, whole, in workspace order. */
async function balanceRows(sql: SqlClient): Promise<unknown[]> {
  return await sql.query(`SELECT * FROM ${LIVE_SCHEMA}.balances ORDER BY workspace_id`);
}

describe('the balance written inline by the ledger (PostgreSQL)', () => {
  let database: TestDatabase;
  let store: EventStore & { sql: SqlClient };
  let queries: ProjectionQueries;
  let ledger: WorkspaceLedger;
  const workspaceIds = Array.from({ length: 3 }, () => `ws-${randomUUID()}`);

  beforeAll(async () => {
    database = await createTestDatabase('tally_inline_read_models');
    store = await createPostgresEventStore({ connectionString: database.connectionString });
    queries = new ProjectionQueries(store.sql);
    ledger = new WorkspaceLedger(store, store.sql, {
      readModels: await inlineReadModels(store.sql),
    });
  });

  afterAll(async () => {
    await store.close();
    await database.drop();
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
});
