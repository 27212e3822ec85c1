import { randomUUID } from 'node:crypto';
import { createPostgresEventStore, EventStore, SqlClient } from '@tally/event-store';
import { WorkspaceLedger } from '@tally/ledger';
import {
  ALL_PROJECTIONS,
  ProjectionQueries,
  Projector,
  rebuildProjections,
} from '@tally/projections';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';
import { appendBurst } from '../test/credit-burst';
import { replayWorkspace } from '../test/replay-views';
import { copyLiveTables, rowsDifferingFromLive } from '../test/table-differences';

jest.setTimeout(60_000);

describe('Projector over PostgreSQL', () => {
  let database: TestDatabase;
  let store: EventStore & { sql: SqlClient };
  let projector: Projector;
  let queries: ProjectionQueries;
  const workspaceIds = Array.from({ length: 3 }, () => `ws-${randomUUID()}`);

  beforeAll(async () => {
    database = await createTestDatabase('tally_projections');
    store = await createPostgresEventStore({ connectionString: database.connectionString });
    projector = new Projector(store, store.sql, { batchSizeMax: 37 });
    queries = new ProjectionQueries(store.sql);
    await projector.start();
    await appendBurst(new WorkspaceLedger(store, store.sql), workspaceIds, 40);
    await projector.waitFor(await store.lastCommittedPosition(), 30_000);
  });

  afterAll(async () => {
    await projector.stop();
    await store.close();
    await database.drop();
  });

  async function expectViewsMatchReplay(workspaceId: string): Promise<void> {
    const replayed = await replayWorkspace(store, workspaceId);
    expect(await queries.balance(workspaceId)).toEqual(replayed.balance);

    const usage = await queries.usageByDay(workspaceId, '2025-12-01', '2026-04-01');
    expect(usage.map((bucket) => bucket.bucketStart.slice(0, 10))).toEqual(
      [...replayed.usage.keys()].sort(),
    );
    for (const bucket of usage) {
      const expected = replayed.usage.get(bucket.bucketStart.slice(0, 10));
      expect(bucket.totalMicro).toBe(expected?.totalMicro.toString());
      expect(bucket.count).toBe(expected?.count);
      expect(bucket.byKind).toEqual(
        Object.fromEntries(
          [...(expected?.byKind ?? [])].map(([kind, micro]) => [kind, micro.toString()]),
        ),
      );
    }

    const rollover = await queries.rollover(workspaceId);
    expect(
      rollover.map((period) => [
        period.periodStart,
        period.rolledOverMicro,
        period.expiredMicro,
        period.unusedMicro,
      ]),
    ).toEqual(
      replayed.closes
        .map((close) => [
          close.periodStart,
          close.rolledOverMicro.toString(),
          close.expiredMicro.toString(),
          close.unusedMicro.toString(),
        ])
        .reverse(),
    );

    const statement = await queries.statement(workspaceId, null, 500);
    expect(statement.entries).toHaveLength(replayed.movements);
    const revisions = statement.entries.map((entry) => BigInt(entry.revision));
    expect(revisions).toEqual([...revisions].sort((a, b) => (a > b ? -1 : 1)));
  }

  it('agrees with a replay of the events to the µcr after a burst of actions', async () => {
    for (const workspaceId of workspaceIds) await expectViewsMatchReplay(workspaceId);
    const balance = await queries.balance(workspaceIds[0] as string);
    expect(balance.status).not.toBe('no_plan');
    expect(BigInt(balance.usedThisPeriodMicro)).toBeGreaterThan(0n);
  });

  it('changes nothing when the same events are delivered again', async () => {
    const before = await Promise.all(workspaceIds.map((id) => replayWorkspace(store, id)));
    const everything = await store.readAll({ maxCount: 10_000 });
    await projector.applyBatch(everything);
    await projector.applyBatch(everything.slice(5, 50));
    for (const [index, workspaceId] of workspaceIds.entries()) {
      expect(await queries.balance(workspaceId)).toEqual(before[index]?.balance);
      await expectViewsMatchReplay(workspaceId);
    }
  });

  it('pages the ledger statement newest first with a cursor and no overlap', async () => {
    const workspaceId = workspaceIds[1] as string;
    const seen: string[] = [];
    let cursor: bigint | null = null;
    for (let pages = 0; pages < 100; pages += 1) {
      const page = await queries.statement(workspaceId, cursor, 7);
      seen.push(...page.entries.map((entry) => entry.eventId));
      if (page.nextCursor === null) break;
      cursor = BigInt(page.nextCursor);
    }
    const all = await queries.statement(workspaceId, null, 500);
    expect(seen).toEqual(all.entries.map((entry) => entry.eventId));
  });

  it('rebuilds every projection into fresh tables with the same result while the live ones keep serving', async () => {
    const before = await Promise.all(workspaceIds.map((id) => queries.balance(id)));
    await copyLiveTables(store.sql, 'live_before_rebuild');
    const result = await rebuildProjections(store, store.sql, ALL_PROJECTIONS, {
      pageSize: 100,
      rangeEventsMax: 97,
    });
    expect(result.events).toBeGreaterThan(0);
    expect(await rowsDifferingFromLive(store.sql, 'live_before_rebuild')).toEqual({
      balances: 0,
      rollover_periods: 0,
      usage_daily: 0,
      statement_entries: 0,
    });
    for (const [index, workspaceId] of workspaceIds.entries()) {
      expect(await queries.balance(workspaceId)).toEqual(before[index]);
      await expectViewsMatchReplay(workspaceId);
    }
    // The live projector keeps going on the switched tables.
    await appendBurst(new WorkspaceLedger(store, store.sql), [workspaceIds[2] as string], 3);
    await projector.waitFor(await store.lastCommittedPosition(), 30_000);
    await expectViewsMatchReplay(workspaceIds[2] as string);
  });
});
