import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  comparePositions,
  createPostgresEventStore,
  EventStore,
  Position,
  positionToString,
  RecordedEvent,
  SqlClient,
} from '@tally/event-store';
import { WorkspaceLedger } from '@tally/ledger';
import {
  ALL_PROJECTIONS,
  migrateProjections,
  Projection,
  ProjectionQueries,
  Projector,
} from '@tally/projections';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';
import { appendBurst, appendMoreActions } from '../test/credit-burst';
import { replayWorkspace } from '../test/replay-views';
import { appendDebitCopy, OVERFLOWING_AMOUNT_MICRO } from '../test/stored-debits';

jest.setTimeout(60_000);

const newWorkspaceIds = (count: number): string[] =>
  Array.from({ length: count }, () => `ws-${randomUUID()}`);

describe('Projector holding back a workspace whose events fail', () => {
  let database: TestDatabase;
  let store: EventStore & { sql: SqlClient };
  let ledger: WorkspaceLedger;
  let projector: Projector;
  let queries: ProjectionQueries;
  let cursor: Position | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('tally_held');
    store = await createPostgresEventStore({ connectionString: database.connectionString });
    await migrateProjections(store.sql);
    ledger = new WorkspaceLedger(store, store.sql);
    projector = new Projector(store, store.sql);
    queries = new ProjectionQueries(store.sql);
  });

  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  /** Every event appended since the last call, handed to the projector as ONE batch. */
  // readAll shows only what no older open transaction can still precede, and transaction ids
  // are cluster-wide: a long transaction of another test holds the horizon back. Read until
  // everything committed so far is visible.
  async function readNewEvents(): Promise<RecordedEvent[]> {
    const committed = await store.lastCommittedPosition();
    let events: RecordedEvent[] = [];
    for (let attempt = 0; attempt < 400; attempt += 1) {
      events = await store.readAll({
        ...(cursor ? { fromPosition: cursor } : {}),
        maxCount: 10_000,
      });
      const reached = events[events.length - 1]?.position ?? cursor;
      if (reached !== undefined && comparePositions(reached, committed) >= 0) return events;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the events committed so far did not become visible in 10 s');
  }

  async function projectNewEvents(): Promise<RecordedEvent[]> {
    const events = await readNewEvents();
    await projector.applyBatch(events);
    cursor = events[events.length - 1]?.position ?? cursor;
    return events;
  }

  async function heldOf(workspaceId: string): Promise<[string, string][]> {
    const held = await queries.heldWorkspaces({ workspaceId, limit: 10 });
    return held
      .map((hold): [string, string] => [hold.projection, positionToString(hold.position)])
      .sort();
  }

  async function expectBalanceMatchesReplay(workspaceIds: string[]): Promise<void> {
    for (const workspaceId of workspaceIds)
      expect(await queries.balance(workspaceId)).toEqual(
        (await replayWorkspace(store, workspaceId)).balance,
      );
  }

  it("commits every other workspace of a batch in the same pass when one workspace's event cannot be applied", async () => {
    const good = newWorkspaceIds(7);
    const [bad] = newWorkspaceIds(1) as [string];
    await appendBurst(ledger, [...good, bad], 3);
    await projectNewEvents();
    const lastGood = await queries.balance(bad);

    await appendMoreActions(ledger, good, 2);
    const poison = await appendDebitCopy(store, bad, (data) => ({
      ...data,
      amountMicro: OVERFLOWING_AMOUNT_MICRO,
    }));
    await appendDebitCopy(store, bad); // a later, good event of the same workspace
    await appendMoreActions(ledger, good, 2);
    const batch = await projectNewEvents();

    await expectBalanceMatchesReplay(good);
    expect(await queries.balance(bad)).toEqual(lastGood);
    const at = positionToString(poison.position);
    // Rollover reads only period closes: it has nothing to fail on.
    expect(await heldOf(bad)).toEqual([
      ['balance', at],
      ['statement', at],
      ['usage', at],
    ]);
    const [hold] = await queries.heldWorkspaces({ workspaceId: bad, limit: 1 });
    expect(hold?.error).toMatch(/out of range/);
    expect(hold?.streamRevision).toBe(poison.revision);
    const last = positionToString(batch[batch.length - 1]?.position as Position);
    for (const checkpoint of await queries.checkpoints())
      expect(checkpoint.position && positionToString(checkpoint.position)).toBe(last);
  });

  it('holds a workspace back in every projection from an event that does not decode, and skips its later events', async () => {
    const [held, other] = newWorkspaceIds(2) as [string, string];
    await appendBurst(ledger, [held, other], 2);
    await projectNewEvents();
    const lastGood = await queries.balance(held);

    const poison = await appendDebitCopy(store, held, (data) => ({
      ...data,
      amountMicro: 'a lot',
    }));
    await appendDebitCopy(store, held);
    await appendMoreActions(ledger, [other], 3);
    await projectNewEvents();
    const at = positionToString(poison.position);
    expect(await heldOf(held)).toEqual(
      ['balance', 'rollover', 'statement', 'usage'].map((projection) => [projection, at]),
    );
    const [hold] = await queries.heldWorkspaces({ workspaceId: held, limit: 1 });
    expect(hold?.error).toMatch(/amountMicro is not an integer string/);

    await appendDebitCopy(store, held);
    await appendMoreActions(ledger, [other], 3);
    await projectNewEvents();
    expect(await queries.balance(held)).toEqual(lastGood);
    expect(await heldOf(held)).toHaveLength(4);
    await expectBalanceMatchesReplay([other]);
  });

  it("applies a workspace's new events when its hold is released while the batch waits for the checkpoint lock", async () => {
    const [workspaceId] = newWorkspaceIds(1) as [string];
    await appendBurst(ledger, [workspaceId], 2);
    await projectNewEvents();
    await appendDebitCopy(store, workspaceId, (data) => ({ ...data, actionKind: null }));
    await projectNewEvents();
    expect((await heldOf(workspaceId)).map(([projection]) => projection)).toEqual(['usage']);
    const statementBefore = (await queries.statement(workspaceId, null, 500)).entries.length;
    const usageCount = async (): Promise<number> =>
      (await queries.usageByDay(workspaceId, '2026-01-01', '2026-04-01')).reduce(
        (sum, day) => sum + day.count,
        0,
      );
    const usageBefore = await usageCount();

    await appendDebitCopy(store, workspaceId);
    await appendDebitCopy(store, workspaceId);
    const fresh = await readNewEvents();
    // An operator's transaction (as `projections retry` does) holds the usage checkpoint lock...
    const operator = new Client({ connectionString: database.connectionString });
    await operator.connect();
    try {
      await operator.query('BEGIN');
      await operator.query(
        `SELECT position FROM projections.checkpoints WHERE projection = 'usage' FOR UPDATE`,
      );
      // ...while the projector's batch starts and waits for that lock...
      const projecting = projector.applyBatch(fresh);
      await waitForLockWaiter(operator);
      // ...and the hold is released before the lock is.
      await operator.query(`DELETE FROM projections.held_workspaces WHERE workspace_id = $1`, [
        workspaceId,
      ]);
      await operator.query(
        `UPDATE projections.checkpoints SET held_workspace_ids = array_remove(held_workspace_ids, $1) WHERE projection = 'usage'`,
        [workspaceId],
      );
      await operator.query('COMMIT');
      await projecting;
      cursor = fresh[fresh.length - 1]?.position;
    } finally {
      await operator.end();
    }
    expect(await usageCount()).toBe(usageBefore + 2);
    expect((await queries.statement(workspaceId, null, 500)).entries).toHaveLength(
      statementBefore + 2,
    );
  });

  it("retries a batch that fails for the store's reasons or for every workspace, holding nothing back", async () => {
    const workspaceIds = newWorkspaceIds(2);
    await appendBurst(ledger, workspaceIds, 1);
    const events = await readNewEvents();
    const usage = ALL_PROJECTIONS.find((projection) => projection.name === 'usage') as Projection;
    const failingWith = (error: Error): Projector =>
      new Projector(store, store.sql, {
        projections: [{ ...usage, apply: () => Promise.reject(error) }],
      });
    const checkpointsBefore = await queries.checkpoints();
    const lostConnection = Object.assign(
      new Error('terminating connection due to administrator command'),
      {
        severity: 'FATAL',
        code: '57P01',
      },
    );
    await expect(failingWith(lostConnection).applyBatch(events)).rejects.toThrow(
      /terminating connection/,
    );
    await expect(failingWith(new TypeError('a bug')).applyBatch(events)).rejects.toThrow(
      /every one of the \d+ workspaces of the batch failed/,
    );
    for (const workspaceId of workspaceIds) expect(await heldOf(workspaceId)).toEqual([]);
    expect(await queries.checkpoints()).toEqual(checkpointsBefore);
    await projectNewEvents();
    await expectBalanceMatchesReplay(workspaceIds);
  });
});

async function waitForLockWaiter(holder: Client): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const { rows } = await holder.query<{ waiting: string }>(
      `SELECT count(*)::text AS waiting FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (Number(rows[0]?.waiting) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the projector never waited for the checkpoint lock');
}
