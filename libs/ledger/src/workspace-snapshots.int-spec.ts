import { randomUUID } from 'node:crypto';
import { WorkspaceCommand } from '@tally/credits';
import { createPostgresEventStore, EventStore, SqlClient } from '@tally/event-store';
import {
  KeyedCommand,
  loadWorkspace,
  loadWorkspaces,
  WORKSPACE_SNAPSHOT_VERSION,
  WorkspaceLedger,
  WorkspaceSnapshots,
  workspaceStreamName,
} from '@tally/ledger';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';

const now = '2026-11-25T10:00:00.000Z';
const SNAPSHOT_EVERY_EVENTS = 10;
/** Debits of each workspace: a snapshot is taken after the first SNAPSHOT_EVERY_EVENTS. */
const DEBITS = BigInt(SNAPSHOT_EVERY_EVENTS + 3);

function openPeriod(workspaceId: string): KeyedCommand {
  const commandId = randomUUID();
  const command: WorkspaceCommand = {
    type: 'OpenPeriod',
    commandId,
    workspaceId,
    occurredAt: now,
    processedAt: now,
    cycle: 'monthly',
    periodStart: '2026-11-01T00:00:00.000Z',
    periodEnd: '2026-12-01T00:00:00.000Z',
    allocationMicro: 1_000_000_000n,
  };
  return { command, idempotencyKey: `${workspaceId}/period/${commandId}` };
}

function debit(workspaceId: string): KeyedCommand {
  const commandId = randomUUID();
  const command: WorkspaceCommand = {
    type: 'DebitAction',
    commandId,
    workspaceId,
    occurredAt: now,
    processedAt: now,
    source: 'workflow',
    action: { kind: 'http.request' },
  };
  return { command, idempotencyKey: `${workspaceId}/action/${commandId}` };
}

describe('workspace snapshots (real PostgreSQL)', () => {
  let database: TestDatabase;
  let store: EventStore & { sql: SqlClient };
  let snapshots: WorkspaceSnapshots;

  beforeAll(async () => {
    database = await createTestDatabase('tally_snapshots');
    store = await createPostgresEventStore({ connectionString: database.connectionString });
    snapshots = new WorkspaceSnapshots(store.sql);
  });

  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  /** A workspace with a snapshot of the current version, then three debits after it. */
  async function snapshottedWorkspace(): Promise<string> {
    const workspaceId = randomUUID();
    const writer = new WorkspaceLedger(store, store.sql, {
      snapshots,
      snapshotEveryEvents: SNAPSHOT_EVERY_EVENTS,
    });
    await writer.execute([openPeriod(workspaceId)]);
    await writer.execute(Array.from({ length: SNAPSHOT_EVERY_EVENTS }, () => debit(workspaceId)));
    const snapshotRevision = (await store.streamRevisions([workspaceStreamName(workspaceId)])).get(
      workspaceStreamName(workspaceId),
    );
    await writer.execute(Array.from({ length: 3 }, () => debit(workspaceId)));
    const taken = (await snapshots.load([workspaceId])).get(workspaceId);
    expect(taken?.revision).toBe(snapshotRevision);
    expect(taken!.state.usedThisPeriodMicro).toBe(BigInt(SNAPSHOT_EVERY_EVENTS) * 1_000n);
    return workspaceId;
  }

  /** Rewrites the stored snapshot as if it were wrong, so only the events give the right state. */
  async function corrupt(
    workspaceId: string,
    change: string,
    parameters: unknown[] = [],
  ): Promise<void> {
    await store.sql.query(
      `UPDATE tally_workspace_snapshots
          SET state = jsonb_set(jsonb_set(state, '{usedThisPeriodMicro}', '"999"'), '{allocationRemainingMicro}', '"0"')
        WHERE workspace_id = $1`,
      [workspaceId],
    );
    await store.sql.query(
      `UPDATE tally_workspace_snapshots SET ${change} WHERE workspace_id = $1`,
      [workspaceId, ...parameters],
    );
  }

  async function expectRebuiltFromEvents(workspaceId: string): Promise<void> {
    expect((await snapshots.load([workspaceId])).has(workspaceId)).toBe(false);
    const loaded = (await loadWorkspaces(store, [workspaceId], snapshots)).get(workspaceId);
    const fromEvents = await loadWorkspace(store, workspaceId);
    expect(loaded?.snapshotRevision).toBeNull();
    expect(loaded?.state).toEqual(fromEvents.state);
    expect(loaded?.revision).toBe(fromEvents.revision);
    expect(fromEvents.state.usedThisPeriodMicro).toBe(DEBITS * 1_000n);
  }

  it('ignores a snapshot of an older state version and rebuilds the workspace from its events', async () => {
    const workspaceId = await snapshottedWorkspace();
    await corrupt(workspaceId, 'state_version = $2', [WORKSPACE_SNAPSHOT_VERSION - 1]);
    await expectRebuiltFromEvents(workspaceId);
  });

  it('ignores a malformed snapshot of the current version: a field missing, of another kind, not an amount, or a period or grant that is not whole', async () => {
    for (const change of [
      `state = state - 'grants'`,
      `state = jsonb_set(state, '{grants}', '"none"')`,
      `state = jsonb_set(state, '{rolloverMicro}', '"1.5"')`,
      `state = jsonb_set(state, '{workspaceId}', '"another"')`,
      `state = state || '{"status": "active", "period": {}, "grants": [{"nonsense": 1}]}'::jsonb`,
      `state = jsonb_set(state, '{period,start}', '"2026-11-01"')`,
      `state = '[]'`,
    ]) {
      const workspaceId = await snapshottedWorkspace();
      await corrupt(workspaceId, change);
      await expectRebuiltFromEvents(workspaceId);
    }
  });

  it('ignores a snapshot past the end of its stream', async () => {
    const workspaceId = await snapshottedWorkspace();
    await corrupt(workspaceId, 'revision = 40');
    const loaded = (await loadWorkspaces(store, [workspaceId], snapshots)).get(workspaceId);
    expect(loaded?.snapshotRevision).toBeNull();
    expect(loaded?.state).toEqual((await loadWorkspace(store, workspaceId)).state);
  });

  it('replaces a snapshot of an older version even at the same revision', async () => {
    const workspaceId = await snapshottedWorkspace();
    const taken = (await snapshots.load([workspaceId])).get(workspaceId);
    if (!taken) throw new Error('assertion failed: no snapshot taken');
    await corrupt(workspaceId, 'state_version = 0');
    await snapshots.save([taken]);
    expect((await snapshots.load([workspaceId])).get(workspaceId)).toEqual(taken);
    await snapshots.save([{ ...taken, revision: taken.revision - 1n }]);
    expect((await snapshots.load([workspaceId])).get(workspaceId)?.revision).toBe(taken.revision);
  });

  it('applies the next command of a workspace whose snapshot was ignored to the state its events give', async () => {
    const workspaceId = await snapshottedWorkspace();
    await corrupt(workspaceId, 'state_version = 0');
    const [outcome] = await new WorkspaceLedger(store, store.sql, { snapshots }).execute([
      debit(workspaceId),
    ]);
    const [debited, ...others] = outcome?.kind === 'applied' ? outcome.events : [];
    expect(others).toEqual([]);
    // Decided on the corrupted snapshot, the debit would have found no allocation left.
    expect(debited?.type === 'CreditDebited' && debited.data.split.allocationMicro).toBe(1_000n);
    expect((await loadWorkspace(store, workspaceId)).state.usedThisPeriodMicro).toBe(
      (DEBITS + 1n) * 1_000n,
    );
  });
});
