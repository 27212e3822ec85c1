import { randomUUID } from 'node:crypto';
import { createPgliteEventStore, EventStore, SqlClient } from '@tally/event-store';
import {
  encodeCreditEvent,
  releaseCommand,
  reserveCommand,
  WorkspaceLedger,
  workspaceStreamName,
} from '@tally/ledger';
import { Projector } from '@tally/projections';
import {
  auditReservations,
  ReservationFindingKind,
} from '../../tools/chaos/chaos-audit-reservations';
import type { PlannedHold } from '../../tools/chaos/chaos-reservations';

jest.setTimeout(60_000);

// The chaos run's reservation audit must fail on the faults it is there to catch: a hold
// returned twice, an end that returns the wrong amount, a hold the API answered but never stored.
describe('the chaos run audit of reservations catches planted faults', () => {
  let store: EventStore & { sql: SqlClient; close(): Promise<void> };
  let projector: Projector;
  let ledger: WorkspaceLedger;

  beforeAll(async () => {
    store = await createPgliteEventStore();
    projector = new Projector(store, store.sql);
    await projector.start();
    ledger = new WorkspaceLedger(store, store.sql);
  });

  afterAll(async () => {
    await projector.stop();
    await store.close();
  });

  function plan(
    workspaceId: string,
    reservationId: string,
    kind: PlannedHold['kind'],
  ): PlannedHold {
    return {
      reservationId,
      workspaceId,
      kind,
      amountMicro: 300_000n,
      answer: 'held',
      replayed: false,
      releaseAnswered: kind === 'release',
      releaseCalls: kind === 'release' ? 1 : 0,
      actions: [],
    };
  }

  /** A new workspace with one credit granted (no period needed to reserve). */
  async function grantedWorkspace(): Promise<string> {
    const workspaceId = `ws-${randomUUID()}`;
    const at = new Date().toISOString();
    await ledger.execute([
      {
        command: {
          type: 'GrantCredits',
          commandId: 'g',
          workspaceId,
          occurredAt: at,
          processedAt: at,
          grantType: 'onboarding',
          creditsMicro: 1_000_000n,
          reference: 'g',
        },
        idempotencyKey: `${workspaceId}/grant/g`,
      },
    ]);
    return workspaceId;
  }

  async function workspaceWithReleasedHold(): Promise<PlannedHold> {
    const workspaceId = await grantedWorkspace();
    const now = new Date();
    const at = now.toISOString();
    const expiresAt = new Date(now.getTime() + 3_600_000).toISOString();
    // Ids unique in the store: the audit reads every workspace's reservation events.
    const reservationId = `r-${randomUUID()}`;
    await ledger.execute([
      reserveCommand({ workspaceId, reservationId, amountMicro: 300_000n, expiresAt }, at),
    ]);
    await ledger.execute([releaseCommand(workspaceId, reservationId, at)]);
    return plan(workspaceId, reservationId, 'release');
  }

  async function plantEnd(hold: PlannedHold, releasedMicro: bigint): Promise<void> {
    const at = new Date().toISOString();
    const event = encodeCreditEvent({
      type: 'ReservationReleased',
      data: {
        workspaceId: hold.workspaceId,
        reservationId: hold.reservationId,
        amountMicro: hold.amountMicro,
        spentMicro: 0n,
        releasedMicro,
        expiresAt: at,
        occurredAt: at,
        processedAt: at,
      },
    });
    await store.appendToStream(workspaceStreamName(hold.workspaceId), [
      { id: randomUUID(), ...event },
    ]);
  }

  async function findingKinds(holds: PlannedHold[]): Promise<ReservationFindingKind[]> {
    await projector.waitFor(await store.lastCommittedPosition(), 30_000);
    const audit = await auditReservations(
      store,
      store.sql,
      new Map(holds.map((hold) => [hold.reservationId, hold])),
      { runEndMs: Date.now(), ledgerDownWindows: [] },
    );
    return audit.findings.map((finding) => finding.kind);
  }

  it('passes a clean run, and finds a hold returned twice', async () => {
    const hold = await workspaceWithReleasedHold();
    expect(await findingKinds([hold])).toEqual([]);
    await plantEnd(hold, 300_000n);
    expect(await findingKinds([hold])).toContain('doubled');
  });

  it('finds an end that returns the wrong amount, and a held answer with nothing stored', async () => {
    const workspaceId = await grantedWorkspace();
    const at = new Date().toISOString();
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const reservationId = `k-${randomUUID()}`;
    await ledger.execute([
      reserveCommand({ workspaceId, reservationId, amountMicro: 300_000n, expiresAt }, at),
    ]);
    const kept = plan(workspaceId, reservationId, 'release');
    await plantEnd(kept, 1n); // should have returned 300,000
    const ghost = plan(workspaceId, `never-stored-${randomUUID()}`, 'keep');
    const kinds = await findingKinds([kept, ghost]);
    expect(kinds).toContain('amount');
    expect(kinds).toContain('leaked');
  });
});
