import { randomUUID } from 'node:crypto';
import { WorkspaceCommand } from '@tally/credits';
import { createPostgresEventStore, EventStore, SqlClient } from '@tally/event-store';
import {
  KeyedCommand,
  loadWorkspace,
  loadWorkspaces,
  WorkspaceLedger,
  WorkspaceSnapshots,
  workspaceStreamName,
} from '@tally/ledger';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';

const now = '2026-11-25T10:00:00.000Z';

function openPeriod(workspaceId: string, allocationMicro: bigint): KeyedCommand {
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
    allocationMicro,
  };
  return { command, idempotencyKey: `${workspaceId}/period/${commandId}` };
}

function debit(workspaceId: string, kind = 'http.request'): KeyedCommand {
  const commandId = randomUUID();
  const command: WorkspaceCommand = {
    type: 'DebitAction',
    commandId,
    workspaceId,
    occurredAt: now,
    processedAt: now,
    source: 'workflow',
    action: { kind },
  };
  return { command, idempotencyKey: `${workspaceId}/action/${commandId}` };
}

describe('WorkspaceLedger (real PostgreSQL)', () => {
  let database: TestDatabase;
  let store: EventStore & { sql: SqlClient };

  beforeAll(async () => {
    database = await createTestDatabase('tally_ledger_lib');
    store = await createPostgresEventStore({ connectionString: database.connectionString });
  });

  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('appends nothing more when the same commands are executed again', async () => {
    const ledger = new WorkspaceLedger(store, store.sql);
    const workspaceId = randomUUID();
    const commands = [openPeriod(workspaceId, 5_000_000n), debit(workspaceId), debit(workspaceId)];
    const first = await ledger.execute(commands);
    expect(first.map((outcome) => outcome.kind)).toEqual(['applied', 'applied', 'applied']);
    const revisionAfterFirst = (
      await store.streamRevisions([workspaceStreamName(workspaceId)])
    ).get(workspaceStreamName(workspaceId));

    const again = await new WorkspaceLedger(store, store.sql).execute(commands);
    expect(again.map((outcome) => outcome.kind)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(
      (await store.streamRevisions([workspaceStreamName(workspaceId)])).get(
        workspaceStreamName(workspaceId),
      ),
    ).toBe(revisionAfterFirst);
  });

  it('reloads and decides again when another writer got to the workspace first, never overwriting', async () => {
    const workspaceId = randomUUID();
    const first = new WorkspaceLedger(store, store.sql);
    const second = new WorkspaceLedger(store, store.sql);
    await first.execute([openPeriod(workspaceId, 1_500n)]);
    await first.execute([debit(workspaceId)]); // first now caches the workspace: 500 µcr left
    await second.execute([debit(workspaceId)]); // second spends the last 500 behind first's back
    const [outcome] = await first.execute([debit(workspaceId)]); // stale cache: must reload
    expect(outcome?.kind).toBe('applied');
    const debited =
      outcome?.kind === 'applied'
        ? outcome.events.find((event) => event.type === 'CreditDebited')
        : undefined;
    expect(debited?.type === 'CreditDebited' && debited.data.split.overdraftMicro).toBe(1_000n);
    const { state } = await loadWorkspace(store, workspaceId);
    expect(state.usedThisPeriodMicro).toBe(3_000n);
    expect(state.overdraftMicro).toBe(1_500n);
  });

  it('records every debit exactly once when two ledgers write the same workspaces concurrently', async () => {
    const workspaces = Array.from({ length: 10 }, () => randomUUID());
    const setup = new WorkspaceLedger(store, store.sql);
    await setup.execute(workspaces.map((id) => openPeriod(id, 1_000_000_000n)));
    const debits = Array.from({ length: 2_000 }, (_, index) =>
      debit(workspaces[index % workspaces.length] as string),
    );
    const ledgers = [new WorkspaceLedger(store, store.sql), new WorkspaceLedger(store, store.sql)];
    const chunks: KeyedCommand[][] = [];
    for (let from = 0; from < debits.length; from += 100)
      chunks.push(debits.slice(from, from + 100));
    // Both ledgers work through every chunk at the same time, like the old and the new owner of
    // a partition during a rebalance: each debit is offered twice, concurrently.
    await Promise.all(
      ledgers.map(async (ledger) => {
        for (const chunk of chunks) await ledger.execute(chunk);
      }),
    );
    const perWorkspace = debits.length / workspaces.length;
    for (const workspaceId of workspaces) {
      const { state } = await loadWorkspace(store, workspaceId);
      expect(state.usedThisPeriodMicro).toBe(BigInt(perWorkspace) * 1_000n);
      const stored = await store.readStream(workspaceStreamName(workspaceId));
      expect(stored.filter((event) => event.type === 'CreditDebited')).toHaveLength(perWorkspace);
    }
  }, 60_000);

  it('loads a busy workspace from its snapshot and the events after it, to the same state', async () => {
    const workspaceId = randomUUID();
    const snapshots = new WorkspaceSnapshots(store.sql);
    const writer = new WorkspaceLedger(store, store.sql, { snapshots, snapshotEveryEvents: 100 });
    await writer.execute([openPeriod(workspaceId, 1_000_000_000n)]);
    for (let chunk = 0; chunk < 5; chunk += 1) {
      await writer.execute(Array.from({ length: 70 }, () => debit(workspaceId)));
    }
    const saved = (await snapshots.load([workspaceId])).get(workspaceId);
    const [newest] = await store.readStream(workspaceStreamName(workspaceId), {
      direction: 'backwards',
      maxCount: 1,
    });
    expect(saved?.revision).toBeGreaterThanOrEqual(100n);
    expect(saved?.revision).toBeLessThan(newest?.revision ?? 0n);

    const fromSnapshot = (await loadWorkspaces(store, [workspaceId], snapshots)).get(workspaceId);
    const fromStream = await loadWorkspace(store, workspaceId);
    expect(fromSnapshot?.state).toEqual(fromStream.state);
    expect(fromSnapshot?.revision).toBe(fromStream.revision);
    expect(fromSnapshot?.snapshotRevision).toBe(saved?.revision);
    expect(fromStream.state.usedThisPeriodMicro).toBe(350n * 1_000n);

    const [outcome] = await new WorkspaceLedger(store, store.sql, { snapshots }).execute([
      debit(workspaceId),
    ]);
    expect(outcome?.kind).toBe('applied');
    expect((await loadWorkspace(store, workspaceId)).state.usedThisPeriodMicro).toBe(351n * 1_000n);
  });

  it('appends small calls waiting on a workspace a large call holds once it ends, in order', async () => {
    const busy = randomUUID();
    const ledger = new WorkspaceLedger(store, store.sql);
    await ledger.execute([openPeriod(busy, 1_000_000_000n)]);
    const large = ledger.execute(Array.from({ length: 50 }, () => debit(busy)));
    const waiting = ledger.execute([debit(busy, 'code.run')]);
    const outcomes = await Promise.all([large, waiting]);
    expect(outcomes.flat().every((outcome) => outcome.kind === 'applied')).toBe(true);
    const stored = await store.readStream(workspaceStreamName(busy));
    // The small call was made after the large one: its debit comes after all 50 of them.
    expect(stored.at(-1)?.type).toBe('CreditDebited');
    expect(stored.filter((event) => event.type === 'CreditDebited')).toHaveLength(51);
    expect(JSON.stringify(stored.at(-1)?.data)).toContain('code.run');
  });
});
