import { randomUUID } from 'node:crypto';
import { totalAvailableOf, WorkspaceCommand } from '@tally/credits';
import {
  createPgliteEventStore,
  createPostgresEventStore,
  EventStore,
  SqlClient,
} from '@tally/event-store';
import {
  CommandOutcome,
  DeadlineScheduler,
  KeyedCommand,
  loadWorkspace,
  releaseCommand,
  reserveCommand,
  selectReservation,
  WorkspaceLedger,
} from '@tally/ledger';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';

const CREDIT = 1_000_000n;

function keyed(command: WorkspaceCommand): KeyedCommand {
  return { command, idempotencyKey: `${command.workspaceId}/test/${command.commandId}` };
}

function openPeriod(workspaceId: string, allocationMicro: bigint): KeyedCommand {
  const at = new Date().toISOString();
  return keyed({
    type: 'OpenPeriod',
    commandId: randomUUID(),
    workspaceId,
    occurredAt: at,
    processedAt: at,
    cycle: 'monthly',
    periodStart: '2026-11-01T00:00:00.000Z',
    periodEnd: '2099-12-01T00:00:00.000Z',
    allocationMicro,
  });
}

function search(workspaceId: string, reservationId?: string): KeyedCommand {
  const at = new Date().toISOString();
  return keyed({
    type: 'DebitAction',
    commandId: randomUUID(),
    workspaceId,
    occurredAt: at,
    processedAt: at,
    source: 'ai-agent',
    action: { kind: 'web.search' }, // 10,000 µcr under the default book
    ...(reservationId === undefined ? {} : { reservationId }),
  });
}

function reserve(workspaceId: string, reservationId: string, amountMicro: bigint, inMs = 900_000) {
  const now = new Date();
  return reserveCommand(
    {
      workspaceId,
      reservationId,
      amountMicro,
      expiresAt: new Date(now.getTime() + inMs).toISOString(),
    },
    now.toISOString(),
  );
}

const kinds = (outcomes: CommandOutcome[]) => outcomes.map((outcome) => outcome.kind);

function reservationSuite(
  name: string,
  open: () => Promise<EventStore & { sql: SqlClient; close(): Promise<void> }>,
) {
  describe(`reservations (${name})`, () => {
    let store: EventStore & { sql: SqlClient; close(): Promise<void> };
    let ledgers: WorkspaceLedger[];

    beforeAll(async () => {
      store = await open();
      ledgers = [new WorkspaceLedger(store, store.sql), new WorkspaceLedger(store, store.sql)];
    }, 60_000);
    afterAll(async () => {
      await store.close();
    });

    it('holds exactly 6 of 20 simultaneous reservations of 75 credits against 500, on two ledgers', async () => {
      const workspaceId = randomUUID();
      await ledgers[0]!.execute([openPeriod(workspaceId, 500n * CREDIT)]);
      await ledgers[1]!.execute([search(workspaceId)]); // both ledgers hold the workspace cached
      await ledgers[0]!.execute([reserve(workspaceId, 'warm-up', 10_000n)]);
      const outcomes = (
        await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            ledgers[index % 2]!.execute([reserve(workspaceId, `job-${index}`, 75n * CREDIT)]),
          ),
        )
      ).flat();
      expect(outcomes.filter((outcome) => outcome.kind === 'applied')).toHaveLength(6);
      const refused = outcomes.filter((outcome) => outcome.kind === 'rejected');
      expect(refused).toHaveLength(14);
      expect(
        new Set(refused.map((outcome) => outcome.kind === 'rejected' && outcome.code)),
      ).toEqual(new Set(['CREDITS_INSUFFICIENT']));
      const { state } = await loadWorkspace(store, workspaceId);
      // 500 − 0.01 (the search) − 0.01 (warm-up hold) − 6 × 75
      expect(totalAvailableOf(state)).toBe(500n * CREDIT - 20_000n - 450n * CREDIT);
      expect(state.reservedMicro).toBe(450n * CREDIT + 10_000n);
    }, 60_000);

    it('draws debits on the hold first, below and above it, and releases exactly the rest once', async () => {
      const workspaceId = randomUUID();
      const ledger = ledgers[0]!;
      await ledger.execute([openPeriod(workspaceId, CREDIT)]);
      expect(kinds(await ledger.execute([reserve(workspaceId, 'run-1', 30_000n)]))).toEqual([
        'applied',
      ]);
      await ledger.execute([search(workspaceId, 'run-1'), search(workspaceId, 'run-1')]);
      let { state } = await loadWorkspace(store, workspaceId);
      expect(state.reservedMicro).toBe(10_000n); // 30,000 held, 20,000 spent
      expect(totalAvailableOf(state)).toBe(CREDIT - 20_000n - 10_000n);
      const [above] = await ledger.execute([
        search(workspaceId, 'run-1'),
        search(workspaceId, 'run-1'),
      ]);
      expect(above?.kind === 'applied' && above.events[0]).toMatchObject({
        data: { reservationFound: true, reservationDrawnMicro: 10_000n },
      });
      ({ state } = await loadWorkspace(store, workspaceId));
      expect(state.reservedMicro).toBe(0n);
      expect(totalAvailableOf(state)).toBe(CREDIT - 40_000n);
      const held = await selectReservation(store.sql, workspaceId, 'run-1');
      expect(held).toMatchObject({ status: 'held', spentMicro: '40000', heldMicro: '0' });

      expect(kinds(await ledger.execute([reserve(workspaceId, 'run-2', 50_000n)]))).toEqual([
        'applied',
      ]);
      await ledger.execute([search(workspaceId, 'run-2')]);
      const now = new Date().toISOString();
      const [released] = await ledger.execute([releaseCommand(workspaceId, 'run-2', now)]);
      expect(released?.kind === 'applied' && released.events[0]).toMatchObject({
        type: 'ReservationReleased',
        data: { releasedMicro: 40_000n, spentMicro: 10_000n },
      });
      expect(kinds(await ledgers[1]!.execute([releaseCommand(workspaceId, 'run-2', now)]))).toEqual(
        ['duplicate'],
      );
      ({ state } = await loadWorkspace(store, workspaceId));
      expect(state.reservedMicro).toBe(0n);
      expect(await selectReservation(store.sql, workspaceId, 'run-2')).toMatchObject({
        status: 'released',
        heldMicro: '0',
        spentMicro: '10000',
      });
      // The same reservation id again is a replay, whatever became of the hold.
      expect(kinds(await ledger.execute([reserve(workspaceId, 'run-2', 50_000n)]))).toEqual([
        'duplicate',
      ]);
    }, 60_000);

    it('changes the status when a hold takes the last credits, and back when it ends', async () => {
      const workspaceId = randomUUID();
      const ledger = ledgers[0]!;
      await ledger.execute([openPeriod(workspaceId, CREDIT)]);
      const [held] = await ledger.execute([reserve(workspaceId, 'all', CREDIT)]);
      expect(held?.kind === 'applied' && held.events.map((event) => event.type)).toEqual([
        'CreditsReserved',
        'CreditStatusChanged',
      ]);
      expect(held?.kind === 'applied' && held.events[1]?.data).toMatchObject({
        from: 'active',
        to: 'exhausted',
        totalAvailableMicro: 0n,
      });
      const now = new Date().toISOString();
      const [released] = await ledger.execute([releaseCommand(workspaceId, 'all', now)]);
      expect(released?.kind === 'applied' && released.events[1]?.data).toMatchObject({
        from: 'exhausted',
        to: 'active',
        totalAvailableMicro: CREDIT,
      });
    }, 60_000);

    it('expires a hold and a grant on time with no further traffic', async () => {
      const workspaceId = randomUUID();
      const ledger = ledgers[0]!;
      await ledger.execute([openPeriod(workspaceId, CREDIT)]);
      const dueAt = Date.now() + 1_000;
      await ledger.execute([reserve(workspaceId, 'soon', 100_000n, 1_000)]);
      const at = new Date().toISOString();
      await ledger.execute([
        keyed({
          type: 'GrantCredits',
          commandId: randomUUID(),
          workspaceId,
          occurredAt: at,
          processedAt: at,
          grantType: 'compensation',
          creditsMicro: 70_000n,
          reference: 'g-soon',
          expiresAt: new Date(dueAt + 200).toISOString(),
        }),
      ]);
      const lateness: number[] = [];
      const scheduler = new DeadlineScheduler(ledgers[1]!, store.sql, {
        pollIntervalMs: 50,
        onDecided: (late) => lateness.push(...late),
      });
      scheduler.start();
      try {
        await new Promise((resolve) => setTimeout(resolve, 2_500));
      } finally {
        await scheduler.stop();
      }
      const { state } = await loadWorkspace(store, workspaceId);
      expect(state.reservations).toEqual([]);
      expect(state.grants).toEqual([]);
      expect(totalAvailableOf(state)).toBe(CREDIT);
      expect(await selectReservation(store.sql, workspaceId, 'soon')).toMatchObject({
        status: 'expired',
      });
      expect(lateness.length).toBeGreaterThanOrEqual(2);
      expect(Math.max(...lateness)).toBeLessThan(1_000);
    }, 60_000);
  });
}

reservationSuite('embedded PGlite', () => createPgliteEventStore());

describe('on PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('tally_reservations');
  }, 60_000);
  afterAll(async () => {
    await database.drop();
  });
  reservationSuite('PostgreSQL', () =>
    createPostgresEventStore({ connectionString: database.connectionString }),
  );
});
