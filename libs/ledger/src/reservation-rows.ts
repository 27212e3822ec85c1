import {
  CreditEvent,
  CreditsReserved,
  heldMicroOf,
  Reservation,
  WorkspaceState,
} from '@tally/credits';
import type { BindParameter, SqlClient } from '@tally/event-store';
import { ofCleanAppend } from './alongside-rows';

// Every reservation as it is now, written in the transaction that appends the events it follows
// from (table tally_reservations, ledger migration 6): the routes answer with it after their
// append, a replay answers with it as it is then, and `ops reservations` lists it.

export type ReservationStatus = 'held' | 'released' | 'expired';

/** The reservation body of design section 6; amounts are decimal strings. */
export interface ReservationView {
  reservationId: string;
  workspaceId: string;
  status: ReservationStatus;
  amountMicro: string;
  spentMicro: string;
  /** amount − spent while held (never below zero); 0 once ended. */
  heldMicro: string;
  expiresAt: string;
  createdAt: string;
  endedAt: string | null;
}

interface ReservationRow {
  workspaceId: string;
  reservationId: string;
  status: ReservationStatus;
  amountMicro: bigint;
  spentMicro: bigint;
  expiresAt: string;
  createdAt: string;
  endedAt: string | null;
}

function touchedBy(event: CreditEvent): string | null {
  switch (event.type) {
    case 'CreditsReserved':
    case 'ReservationReleased':
    case 'ReservationExpired':
      return event.data.reservationId;
    case 'CreditDebited':
      return event.data.reservationFound ? event.data.reservationId : null;
    default:
      return null;
  }
}

function heldRow(workspaceId: string, reservation: Reservation): ReservationRow {
  return {
    workspaceId,
    reservationId: reservation.reservationId,
    status: 'held',
    amountMicro: reservation.amountMicro,
    spentMicro: reservation.spentMicro,
    expiresAt: reservation.expiresAt,
    createdAt: reservation.createdAt,
    endedAt: null,
  };
}

/** The rows a workspace's newly appended events change, from its state after them. */
export function reservationRowsOf(
  state: WorkspaceState,
  events: readonly CreditEvent[],
): ReservationRow[] {
  const rows = new Map<string, ReservationRow>();
  const createdAt = new Map<string, string>();
  for (const event of events) {
    const reservationId = touchedBy(event);
    if (reservationId === null) continue;
    if (event.type === 'CreditsReserved') createdAt.set(reservationId, event.data.processedAt);
    if (event.type === 'ReservationReleased' || event.type === 'ReservationExpired') {
      const { data } = event;
      rows.set(reservationId, {
        workspaceId: state.workspaceId,
        reservationId,
        status: event.type === 'ReservationReleased' ? 'released' : 'expired',
        amountMicro: data.amountMicro,
        spentMicro: data.spentMicro,
        expiresAt: data.expiresAt,
        // Kept from the row on conflict; only a hold made and ended in one append uses this.
        createdAt: createdAt.get(reservationId) ?? data.processedAt,
        endedAt: data.processedAt,
      });
      continue;
    }
    const live = state.reservations.find((held) => held.reservationId === reservationId);
    if (live !== undefined) rows.set(reservationId, heldRow(state.workspaceId, live));
  }
  return [...rows.values()];
}

/**
 * The upsert of these rows, as part of an append's statement: `streamIndexes[i]` is the index of
 * the append row i follows from (alongside-rows.ts).
 */
export function reservationRowWrites(
  bind: BindParameter,
  rows: ReservationRow[],
  streamIndexes: number[],
): string[] {
  if (rows.length === 0) return [];
  return [
    `INSERT INTO tally_reservations AS r
       (workspace_id, reservation_id, status, amount_micro, spent_micro, expires_at, created_at, ended_at)
     SELECT u.workspace_id, u.reservation_id, u.status, u.amount_micro, u.spent_micro,
            u.expires_at, u.created_at, u.ended_at
       FROM unnest(${bind(rows.map((row) => row.workspaceId))}::text[],
                   ${bind(rows.map((row) => row.reservationId))}::text[],
                   ${bind(rows.map((row) => row.status))}::text[],
                   ${bind(rows.map((row) => row.amountMicro.toString()))}::bigint[],
                   ${bind(rows.map((row) => row.spentMicro.toString()))}::bigint[],
                   ${bind(rows.map((row) => row.expiresAt))}::timestamptz[],
                   ${bind(rows.map((row) => row.createdAt))}::timestamptz[],
                   ${bind(rows.map((row) => row.endedAt))}::timestamptz[],
                   ${bind(streamIndexes)}::int[])
            AS u(workspace_id, reservation_id, status, amount_micro, spent_micro, expires_at,
                 created_at, ended_at, stream_index)
      WHERE ${ofCleanAppend('u')}
     ON CONFLICT (workspace_id, reservation_id) DO UPDATE SET
       status = excluded.status, amount_micro = excluded.amount_micro,
       spent_micro = excluded.spent_micro, expires_at = excluded.expires_at,
       ended_at = excluded.ended_at`,
  ];
}

interface StoredReservationRow {
  workspace_id: string;
  reservation_id: string;
  status: ReservationStatus;
  amount_micro: string;
  spent_micro: string;
  expires_at: Date | string;
  created_at: Date | string;
  ended_at: Date | string | null;
}

const iso = (value: Date | string): string => new Date(value).toISOString();

function viewOf(row: ReservationRow): ReservationView {
  return {
    reservationId: row.reservationId,
    workspaceId: row.workspaceId,
    status: row.status,
    amountMicro: row.amountMicro.toString(),
    spentMicro: row.spentMicro.toString(),
    heldMicro: row.status === 'held' ? heldMicroOf(row).toString() : '0',
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
    endedAt: row.endedAt,
  };
}

function rowOf(stored: StoredReservationRow): ReservationRow {
  return {
    workspaceId: stored.workspace_id,
    reservationId: stored.reservation_id,
    status: stored.status,
    amountMicro: BigInt(stored.amount_micro),
    spentMicro: BigInt(stored.spent_micro),
    expiresAt: iso(stored.expires_at),
    createdAt: iso(stored.created_at),
    endedAt: stored.ended_at === null ? null : iso(stored.ended_at),
  };
}

/**
 * The reservation a hold just made is, as its row in the same append says (nothing spent yet),
 * without reading the row back.
 */
export function reservationMadeBy(reserved: CreditsReserved): ReservationView {
  const { data } = reserved;
  return viewOf({
    workspaceId: data.workspaceId,
    reservationId: data.reservationId,
    status: 'held',
    amountMicro: data.amountMicro,
    spentMicro: 0n,
    expiresAt: data.expiresAt,
    createdAt: data.processedAt,
    endedAt: null,
  });
}

const COLUMNS = `workspace_id, reservation_id, status, amount_micro::text, spent_micro::text,
  expires_at, created_at, ended_at`;

export async function selectReservation(
  sql: SqlClient,
  workspaceId: string,
  reservationId: string,
): Promise<ReservationView | null> {
  const rows = await sql.query<StoredReservationRow>(
    `SELECT ${COLUMNS} FROM tally_reservations WHERE workspace_id = $1 AND reservation_id = $2`,
    [workspaceId, reservationId],
  );
  return rows[0] === undefined ? null : viewOf(rowOf(rows[0]));
}

/** A workspace's reservations, newest first; only the live ones unless `all`. */
export async function selectReservations(
  sql: SqlClient,
  workspaceId: string,
  all: boolean,
  limit = 1_000,
): Promise<ReservationView[]> {
  const rows = await sql.query<StoredReservationRow>(
    `SELECT ${COLUMNS} FROM tally_reservations
      WHERE workspace_id = $1 AND ($2::boolean OR status = 'held')
      ORDER BY created_at DESC, reservation_id LIMIT $3`,
    [workspaceId, all, limit],
  );
  return rows.map((row) => viewOf(rowOf(row)));
}
