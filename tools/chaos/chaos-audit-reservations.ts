import { CreditEventTypes } from '@tally/credits';
import { EventStore, Position, RecordedEvent, SqlClient } from '@tally/event-store';
import { selectReservation, workspaceIdOfStream } from '@tally/ledger';
import { ProjectionQueries } from '@tally/projections';
import { PlannedHold } from './chaos-reservations';
import { ChaosLimits } from './chaos.options';

export type ReservationFindingKind =
  'leaked' | 'doubled' | 'unexpected' | 'amount' | 'early' | 'reserved' | 'row';

export interface ReservationFinding {
  kind: ReservationFindingKind;
  workspaceId: string;
  reservationId: string;
  detail: string;
}

export interface ReservationAudit {
  planned: number;
  held: number;
  refused: number;
  unanswered: number;
  /** Of those, short holds whose expiresAt passed while the reserve was retried (API kills). */
  lapsedUnanswered: number;
  endedByCleanup: number;
  replayed: number;
  releaseCalls: number;
  released: number;
  expired: number;
  /** Expiries whose expiresAt fell while a ledger was down (killed, or not yet restarted). */
  expiredWhileLedgerDown: number;
  /** How late the latest expiry was stored after its expiresAt. */
  expiryLatenessMsMax: number;
  stillHeld: number;
  stillHeldMicro: bigint;
  settleDebits: number;
  settleDebitsOnLiveHold: number;
  drawnMicro: bigint;
  workspacesCompared: number;
  findings: ReservationFinding[];
}

/** One reservation as the audit folds its workspace's stream, in revision order. */
interface Folded {
  amountMicro: bigint;
  expiresAt: string;
  spentMicro: bigint;
  drawnMicro: bigint;
  live: boolean;
  endedAs: 'released' | 'expired' | null;
  reservedCount: number;
  endCount: number;
}

const reservationEventTypes = [
  CreditEventTypes.reserved,
  CreditEventTypes.reservationReleased,
  CreditEventTypes.reservationExpired,
  CreditEventTypes.debited,
];

interface StoredReservationData {
  reservationId: string;
  amountMicro: string;
  expiresAt: string;
  spentMicro?: string;
  releasedMicro?: string;
  processedAt?: string;
}

interface StoredDebitData {
  amountMicro: string;
  reservationId?: string;
  reservationFound?: boolean;
  reservationDrawnMicro?: string;
}

/**
 * Every hold the driver attempted against the stored events, folded independently per
 * workspace in stream order: one CreditsReserved per held id and none for a refused one, at
 * most one end, each end returning exactly amount − spent (never below 0), each draw
 * min(price, hold then), each expiry applied once and not before its expiresAt, every hold due
 * before `runEndMs` ended; then each workspace's projected reservedMicro against the sum of the
 * holds still live, and the reservation rows the routes answer with against the fold.
 */
export async function auditReservations(
  store: EventStore,
  sql: SqlClient,
  holds: Map<string, PlannedHold>,
  context: { runEndMs: number; ledgerDownWindows: { fromMs: number; toMs: number }[] },
): Promise<ReservationAudit> {
  const audit = emptyAudit(holds);
  const folded = new Map<string, Folded>();
  const byStream = await readReservationEvents(store);
  for (const events of byStream.values()) {
    events.sort((a, b) => Number(a.revision - b.revision));
    for (const event of events) foldEvent(event, folded, holds, audit, context);
  }
  checkHolds(holds, folded, audit, context.runEndMs);
  await checkReservedMicro(sql, holds, folded, audit);
  await checkRows(sql, holds, folded, audit);
  return audit;
}

function emptyAudit(holds: Map<string, PlannedHold>): ReservationAudit {
  const answers = [...holds.values()];
  const counted = (answer: PlannedHold['answer']): number =>
    answers.filter((hold) => hold.answer === answer).length;
  return {
    planned: holds.size,
    held: counted('held'),
    refused: counted('refused'),
    unanswered: counted('unanswered') + counted('pending'),
    lapsedUnanswered: answers.filter((hold) => hold.lapsedUnanswered).length,
    endedByCleanup: answers.filter((hold) => hold.endedByCleanup).length,
    replayed: answers.filter((hold) => hold.replayed).length,
    releaseCalls: answers.reduce((sum, hold) => sum + hold.releaseCalls, 0),
    released: 0,
    expired: 0,
    expiredWhileLedgerDown: 0,
    expiryLatenessMsMax: 0,
    stillHeld: 0,
    stillHeldMicro: 0n,
    settleDebits: 0,
    settleDebitsOnLiveHold: 0,
    drawnMicro: 0n,
    workspacesCompared: 0,
    findings: [],
  };
}

async function readReservationEvents(store: EventStore): Promise<Map<string, RecordedEvent[]>> {
  const byStream = new Map<string, RecordedEvent[]>();
  let fromPosition: Position | undefined;
  for (;;) {
    const page: RecordedEvent[] = await store.readAll({
      ...(fromPosition ? { fromPosition } : {}),
      maxCount: ChaosLimits.readPageSize,
      filter: { eventTypes: reservationEventTypes },
    });
    for (const event of page) {
      const onHold =
        event.type !== CreditEventTypes.debited ||
        (event.data as StoredDebitData).reservationId !== undefined;
      if (!onHold) continue;
      const events = byStream.get(event.streamName) ?? [];
      events.push(event);
      byStream.set(event.streamName, events);
    }
    const last = page[page.length - 1];
    if (!last || page.length < ChaosLimits.readPageSize) return byStream;
    fromPosition = last.position;
  }
}

function foldEvent(
  event: RecordedEvent,
  folded: Map<string, Folded>,
  holds: Map<string, PlannedHold>,
  audit: ReservationAudit,
  context: { ledgerDownWindows: { fromMs: number; toMs: number }[] },
): void {
  const workspaceId = workspaceIdOfStream(event.streamName) ?? event.streamName;
  const data = event.data as StoredReservationData;
  const key = `${workspaceId}/${data.reservationId}`;
  const find = (kind: ReservationFindingKind, detail: string): void => {
    audit.findings.push({
      kind,
      workspaceId,
      reservationId: data.reservationId,
      detail: `${detail} (${event.streamName}@${event.revision})`,
    });
  };
  switch (event.type) {
    case CreditEventTypes.reserved:
      return foldReserved(key, data, folded, holds.get(data.reservationId), workspaceId, find);
    case CreditEventTypes.debited:
      return foldDebit(folded.get(key), event.data as StoredDebitData, audit, find);
    default:
      return foldEnd(event.type, folded.get(key), data, audit, context, find);
  }
}

type Find = (kind: ReservationFindingKind, detail: string) => void;

function foldReserved(
  key: string,
  data: StoredReservationData,
  folded: Map<string, Folded>,
  hold: PlannedHold | undefined,
  workspaceId: string,
  find: Find,
): void {
  const amountMicro = BigInt(data.amountMicro);
  const known = folded.get(key);
  if (known) {
    known.reservedCount += 1;
    find('doubled', 'CreditsReserved again for the same reservation id');
    return;
  }
  folded.set(key, {
    amountMicro,
    expiresAt: data.expiresAt,
    spentMicro: 0n,
    drawnMicro: 0n,
    live: true,
    endedAs: null,
    reservedCount: 1,
    endCount: 0,
  });
  if (!hold || hold.workspaceId !== workspaceId)
    find('unexpected', 'a hold the driver never asked for');
  else if (hold.answer === 'refused')
    find('unexpected', 'held although the API answered CREDITS_INSUFFICIENT');
  else if (hold.amountMicro !== amountMicro)
    find('amount', `held ${amountMicro} µcr, asked ${hold.amountMicro} µcr`);
}

/** A debit naming a reservation: drawn min(price, hold) while it is live, else nothing. */
function foldDebit(
  reservation: Folded | undefined,
  data: StoredDebitData,
  audit: ReservationAudit,
  find: Find,
): void {
  const priceMicro = BigInt(data.amountMicro);
  const drawnMicro = BigInt(data.reservationDrawnMicro ?? '0');
  const found = data.reservationFound === true;
  audit.settleDebits += 1;
  audit.drawnMicro += drawnMicro;
  if (!reservation || !reservation.live) {
    if (found || drawnMicro !== 0n)
      find('amount', `debit drew ${drawnMicro} µcr (found ${found}) on a hold that was not live`);
    return;
  }
  audit.settleDebitsOnLiveHold += 1;
  const heldMicro = maxZero(reservation.amountMicro - reservation.spentMicro);
  const wantDrawn = priceMicro < heldMicro ? priceMicro : heldMicro;
  if (!found || drawnMicro !== wantDrawn)
    find(
      'amount',
      `debit of ${priceMicro} µcr on a live hold of ${heldMicro} µcr drew ${drawnMicro} µcr (found ${found}), expected ${wantDrawn}`,
    );
  reservation.spentMicro += priceMicro;
  reservation.drawnMicro += drawnMicro;
  if (reservation.drawnMicro > reservation.amountMicro)
    find(
      'amount',
      `drawn ${reservation.drawnMicro} µcr in all, above the ${reservation.amountMicro} µcr held`,
    );
}

function foldEnd(
  type: string,
  reservation: Folded | undefined,
  data: StoredReservationData,
  audit: ReservationAudit,
  context: { ledgerDownWindows: { fromMs: number; toMs: number }[] },
  find: Find,
): void {
  if (!reservation) {
    find('unexpected', `${type} of a reservation never held`);
    return;
  }
  reservation.endCount += 1;
  if (!reservation.live) {
    find('doubled', `${type} of a reservation already ended: its hold returned twice`);
    return;
  }
  reservation.live = false;
  reservation.endedAs = type === CreditEventTypes.reservationReleased ? 'released' : 'expired';
  const wantReleased = maxZero(reservation.amountMicro - reservation.spentMicro);
  if (
    BigInt(data.releasedMicro ?? '-1') !== wantReleased ||
    BigInt(data.spentMicro ?? '-1') !== reservation.spentMicro
  )
    find(
      'amount',
      `${type} returned ${data.releasedMicro} µcr with spent ${data.spentMicro}; expected ${wantReleased} (amount ${reservation.amountMicro} − spent ${reservation.spentMicro}, ≥ 0)`,
    );
  if (type === CreditEventTypes.reservationReleased) {
    audit.released += 1;
    return;
  }
  audit.expired += 1;
  const dueMs = Date.parse(reservation.expiresAt);
  const appliedMs = Date.parse(data.processedAt ?? '');
  if (!(appliedMs >= dueMs))
    find('early', `expired at ${data.processedAt}, due ${reservation.expiresAt}`);
  else audit.expiryLatenessMsMax = Math.max(audit.expiryLatenessMsMax, appliedMs - dueMs);
  if (context.ledgerDownWindows.some((window) => dueMs >= window.fromMs && dueMs <= window.toMs))
    audit.expiredWhileLedgerDown += 1;
}

/** Per planned hold: the count of holds and ends its answer allows, and its end if one was due. */
function checkHolds(
  holds: Map<string, PlannedHold>,
  folded: Map<string, Folded>,
  audit: ReservationAudit,
  runEndMs: number,
): void {
  for (const hold of holds.values()) {
    const reservation = folded.get(`${hold.workspaceId}/${hold.reservationId}`);
    const find = (kind: ReservationFindingKind, detail: string): void => {
      audit.findings.push({
        kind,
        workspaceId: hold.workspaceId,
        reservationId: hold.reservationId,
        detail,
      });
    };
    if (!reservation) {
      if (hold.answer === 'held')
        find('leaked', 'the API answered held, but no CreditsReserved is stored');
      continue;
    }
    if (reservation.endedAs === 'released' && hold.kind !== 'release')
      find('unexpected', `released, though the driver never released a hold of kind ${hold.kind}`);
    if (!reservation.live) continue;
    audit.stillHeld += 1;
    audit.stillHeldMicro += maxZero(reservation.amountMicro - reservation.spentMicro);
    if (Date.parse(reservation.expiresAt) <= runEndMs)
      find('leaked', `still held after the run, though due at ${reservation.expiresAt}`);
    else if (hold.releaseAnswered) find('leaked', 'still held after its release was answered');
  }
}

/** Each workspace's projected reservedMicro against Σ over its live holds of amount − spent (≥ 0). */
async function checkReservedMicro(
  sql: SqlClient,
  holds: Map<string, PlannedHold>,
  folded: Map<string, Folded>,
  audit: ReservationAudit,
): Promise<void> {
  const expected = new Map<string, bigint>();
  for (const hold of holds.values()) expected.set(hold.workspaceId, 0n);
  for (const [key, reservation] of folded) {
    const workspaceId = key.slice(0, key.indexOf('/'));
    if (reservation.live)
      expected.set(
        workspaceId,
        (expected.get(workspaceId) ?? 0n) +
          maxZero(reservation.amountMicro - reservation.spentMicro),
      );
  }
  const queries = new ProjectionQueries(sql);
  for (const [workspaceId, wantMicro] of expected) {
    const balance = await queries.balance(workspaceId);
    audit.workspacesCompared += 1;
    if (BigInt(balance.reservedMicro) !== wantMicro)
      audit.findings.push({
        kind: 'reserved',
        workspaceId,
        reservationId: '*',
        detail: `reservedMicro ${balance.reservedMicro}, expected ${wantMicro} (Σ amount − spent over live holds)`,
      });
  }
}

/** The reservation rows the routes answer with, against the fold. */
async function checkRows(
  sql: SqlClient,
  holds: Map<string, PlannedHold>,
  folded: Map<string, Folded>,
  audit: ReservationAudit,
): Promise<void> {
  for (const hold of holds.values()) {
    const reservation = folded.get(`${hold.workspaceId}/${hold.reservationId}`);
    const row = await selectReservation(sql, hold.workspaceId, hold.reservationId);
    if (!reservation) {
      if (row) audit.findings.push(rowFinding(hold, `row ${row.status} without a stored hold`));
      continue;
    }
    const heldMicro = reservation.live
      ? maxZero(reservation.amountMicro - reservation.spentMicro)
      : 0n;
    const want = `${reservation.endedAs ?? 'held'} spent ${reservation.spentMicro} held ${heldMicro}`;
    const got = row ? `${row.status} spent ${row.spentMicro} held ${row.heldMicro}` : 'no row';
    if (want !== got) audit.findings.push(rowFinding(hold, `row says ${got}, events say ${want}`));
  }
}

function rowFinding(hold: PlannedHold, detail: string): ReservationFinding {
  return { kind: 'row', workspaceId: hold.workspaceId, reservationId: hold.reservationId, detail };
}

function maxZero(micro: bigint): bigint {
  return micro > 0n ? micro : 0n;
}

export function reservationAuditPassed(audit: ReservationAudit): boolean {
  return audit.findings.length === 0;
}
