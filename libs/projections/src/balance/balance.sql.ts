import type { BillingCycle, GrantType, WorkspaceStatus } from '@tally/contracts';
import {
  GrantBucket,
  initialWorkspaceState,
  Reservation,
  WorkspacePlan,
  WorkspaceState,
} from '@tally/credits';
import { balanceOf } from './balance.body';
import { parameterBinder, SqlClient } from '@tally/event-store';
import type { InlineReadModel } from '@tally/ledger';
import { BalanceView, balanceViewOf } from './balance.view';

// The balances table holds, per workspace, the columns of the balance body plus the open grants
// (jsonb): together they are the fold's whole state minus the idempotency memory the decider
// needs and a balance never does, so the next batch continues the fold from this row. Its DDL is
// frozen in ../migrations/.

interface BalanceRow {
  workspace_id: string;
  status: WorkspaceStatus;
  cycle: BillingCycle | null;
  period_start: string | null;
  period_end: string | null;
  allocation_micro: string;
  allocation_remaining_micro: string;
  rollover_micro: string;
  granted_micro: string;
  purchased_micro: string;
  overdraft_micro: string;
  used_this_period_micro: string;
  total_available_micro: string;
  grants: StoredGrant[] | string;
  reserved_micro: string;
  reservations: StoredReservation[] | string;
  position: string;
  updated_at: Date | string;
}

interface StoredReservation {
  reservationId: string;
  amountMicro: string;
  spentMicro: string;
  expiresAt: string;
  createdAt: string;
}

interface StoredGrant {
  reference: string;
  grantType: GrantType;
  remainingMicro: string;
  expiresAt: string | null;
}

const SELECT_COLUMNS = `workspace_id, status, cycle, period_start, period_end,
  allocation_micro::text, allocation_remaining_micro::text, rollover_micro::text, granted_micro::text,
  purchased_micro::text, overdraft_micro::text, used_this_period_micro::text, total_available_micro::text,
  grants, reserved_micro::text, reservations, position::text, updated_at`;

function stateOfRow(row: BalanceRow): WorkspaceState {
  const grants = (
    typeof row.grants === 'string' ? (JSON.parse(row.grants) as StoredGrant[]) : row.grants
  ).map((grant): GrantBucket => ({ ...grant, remainingMicro: BigInt(grant.remainingMicro) }));
  return {
    ...initialWorkspaceState(row.workspace_id),
    ...planOfRow(row),
    allocationRemainingMicro: BigInt(row.allocation_remaining_micro),
    rolloverMicro: BigInt(row.rollover_micro),
    grants,
    grantedMicro: BigInt(row.granted_micro),
    purchasedMicro: BigInt(row.purchased_micro),
    overdraftMicro: BigInt(row.overdraft_micro),
    usedThisPeriodMicro: BigInt(row.used_this_period_micro),
    reservations: (typeof row.reservations === 'string'
      ? (JSON.parse(row.reservations) as StoredReservation[])
      : row.reservations
    ).map((reservation): Reservation => ({
      ...reservation,
      amountMicro: BigInt(reservation.amountMicro),
      spentMicro: BigInt(reservation.spentMicro),
    })),
    reservedMicro: BigInt(row.reserved_micro),
  };
}

// The row keeps status and period in separate columns; they agree, as the state's type requires.
function planOfRow(row: BalanceRow): WorkspacePlan {
  if (row.status === 'no_plan') return { status: 'no_plan', period: null };
  if (row.cycle === null || row.period_start === null || row.period_end === null) {
    throw new Error(`the balance row of ${row.workspace_id} is ${row.status} without a period`);
  }
  const period = {
    cycle: row.cycle,
    start: row.period_start,
    end: row.period_end,
    allocationMicro: BigInt(row.allocation_micro),
  };
  return { status: row.status, period };
}

/** The position each stored row of these workspaces is as of (absent: none stored yet). */
export async function selectBalancePositions(
  sql: SqlClient,
  schema: string,
  workspaceIds: string[],
): Promise<Map<string, bigint>> {
  const rows = await sql.query<{ workspace_id: string; position: string }>(
    `SELECT workspace_id, position::text FROM ${schema}.balances WHERE workspace_id = ANY($1::text[])`,
    [workspaceIds],
  );
  return new Map(rows.map((row) => [row.workspace_id, BigInt(row.position)]));
}

/** The stored fold states of these workspaces (absent: nothing projected yet). */
export async function selectBalanceStates(
  sql: SqlClient,
  schema: string,
  workspaceIds: string[],
): Promise<Map<string, WorkspaceState>> {
  const rows = await sql.query<BalanceRow>(
    `SELECT ${SELECT_COLUMNS} FROM ${schema}.balances WHERE workspace_id = ANY($1::text[])`,
    [workspaceIds],
  );
  return new Map(rows.map((row) => [row.workspace_id, stateOfRow(row)]));
}

export interface BalanceUpsert {
  state: WorkspaceState;
  position: bigint;
  updatedAt: Date;
}

// The row's columns that come from the fold's state, with their types, in the order both writers
// bind them; `position` and `updated_at` say what the row is as of.
const STATE_COLUMNS: readonly (readonly [string, string])[] = [
  ['workspace_id', 'text'],
  ['status', 'text'],
  ['cycle', 'text'],
  ['period_start', 'text'],
  ['period_end', 'text'],
  ['allocation_micro', 'bigint'],
  ['allocation_remaining_micro', 'bigint'],
  ['rollover_micro', 'bigint'],
  ['granted_micro', 'bigint'],
  ['purchased_micro', 'bigint'],
  ['overdraft_micro', 'bigint'],
  ['used_this_period_micro', 'bigint'],
  ['total_available_micro', 'bigint'],
  ['grants', 'jsonb'],
  ['reserved_micro', 'bigint'],
  ['reservations', 'jsonb'],
];
const STATE_COLUMN_NAMES = STATE_COLUMNS.map(([name]) => name).join(', ');
// A row only moves forward: a write as of an older position than the stored row's changes nothing
// (the projector folding a workspace while an inline write commits a newer row of it). Every
// writer locks rows in workspace order, so two writers of overlapping rows cannot deadlock.
const UPSERT_ON_CONFLICT = `ON CONFLICT (workspace_id) DO UPDATE SET ${[
  ...STATE_COLUMNS.map(([name]) => name),
  'position',
  'updated_at',
]
  .map((name) => `${name} = excluded.${name}`)
  .join(', ')} WHERE b.position < excluded.position`;

/**
 * A state's columns as one object keyed by column name (amounts as decimal strings, grants and
 * reservations as JSON): the rows go to PostgreSQL as one JSON document read back with
 * `jsonb_to_recordset(…) AS u(STATE_RECORD)` — cheaper in the driver than an array per column.
 */
function stateRowOf(state: WorkspaceState): Record<string, unknown> {
  const balance = balanceOf(state);
  return {
    workspace_id: state.workspaceId,
    status: state.status,
    cycle: state.period?.cycle ?? null,
    period_start: state.period?.start ?? null,
    period_end: state.period?.end ?? null,
    allocation_micro: balance.allocationMicro.toString(),
    allocation_remaining_micro: balance.allocationRemainingMicro.toString(),
    rollover_micro: balance.rolloverMicro.toString(),
    granted_micro: balance.grantedMicro.toString(),
    purchased_micro: balance.purchasedMicro.toString(),
    overdraft_micro: balance.overdraftMicro.toString(),
    used_this_period_micro: balance.usedThisPeriodMicro.toString(),
    total_available_micro: balance.totalAvailableMicro.toString(),
    grants: state.grants.map((grant) => ({
      ...grant,
      remainingMicro: grant.remainingMicro.toString(),
    })),
    reserved_micro: state.reservedMicro.toString(),
    reservations: state.reservations.map((reservation) => ({
      ...reservation,
      amountMicro: reservation.amountMicro.toString(),
      spentMicro: reservation.spentMicro.toString(),
    })),
  };
}

/** The record type of a document of state rows, for `jsonb_to_recordset`. */
const STATE_RECORD = STATE_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ');

/**
 * One statement for the whole batch: a row per workspace, sent as one JSON document. With a channel, the
 * same statement NOTIFYs it of every workspace written (one round trip fewer on the path that
 * decides how fresh a balance is).
 */
export async function upsertBalances(
  sql: SqlClient,
  schema: string,
  upserts: BalanceUpsert[],
  notifyChannel: string | null = null,
): Promise<void> {
  if (upserts.length === 0) return;
  const parameters: unknown[] = [];
  const bind = parameterBinder(parameters);
  const rows = bind(
    JSON.stringify(
      upserts.map((upsert) => ({
        ...stateRowOf(upsert.state),
        position: upsert.position.toString(),
        updated_at: upsert.updatedAt.toISOString(),
      })),
    ),
  );
  const notify = notifyChannel === null ? '' : `, count(pg_notify(${bind(notifyChannel)}, w))`;
  await sql.query(
    `WITH upserted AS (
     INSERT INTO ${schema}.balances AS b (${STATE_COLUMN_NAMES}, position, updated_at)
     SELECT ${STATE_COLUMN_NAMES}, position, updated_at
       FROM jsonb_to_recordset(${rows}::jsonb) AS u(${STATE_RECORD}, position bigint, updated_at timestamptz)
      ORDER BY workspace_id COLLATE "C"
     ${UPSERT_ON_CONFLICT}
     RETURNING b.workspace_id AS w)
     SELECT count(*)${notify} FROM upserted`,
    parameters,
  );
}

/**
 * The balance written by the ledger with the events (inline): the same row as the projector's,
 * from the state the ledger decided with, as of the last position its append stored and stamped
 * with the append's time (its events' `created_at`, to the millisecond as the projector reads
 * it). Workspaces whose append met stored events are left out (their state is a guess); the
 * projector then brings them up to date. Every row written is NOTIFYed on `notifyChannel`, as
 * the projector's are.
 */
export function balanceReadModel(schema: string, notifyChannel: string): InlineReadModel {
  return {
    writes(bind, workspaces) {
      if (workspaces.length === 0) return [];
      const rows = bind(
        JSON.stringify(
          workspaces.map((workspace) => ({
            stream_index: workspace.streamIndex,
            ...stateRowOf(workspace.state),
          })),
        ),
      );
      return [
        `INSERT INTO ${schema}.balances AS b (${STATE_COLUMN_NAMES}, position, updated_at)
         SELECT ${STATE_COLUMN_NAMES}, a.last_position, date_trunc('milliseconds', now())
           FROM jsonb_to_recordset(${rows}::jsonb) AS u(stream_index integer, ${STATE_RECORD})
           JOIN appended a ON a.stream_index = u.stream_index
          WHERE a.duplicate_count = 0 AND a.last_position IS NOT NULL
          ORDER BY u.workspace_id COLLATE "C"
         ${UPSERT_ON_CONFLICT}
         RETURNING pg_notify(${bind(notifyChannel)}, b.workspace_id)`,
      ];
    },
  };
}

/**
 * Before a rebuilt table replaces the live one: the live rows written inline as of a later
 * position than the rebuilt table's (it only reaches the live checkpoint) are carried over, the
 * live table locked against inline writers until the switch commits.
 */
export async function carryNewerBalances(
  sql: SqlClient,
  liveSchema: string,
  rebuiltSchema: string,
): Promise<void> {
  await sql.query(`LOCK TABLE ${liveSchema}.balances IN EXCLUSIVE MODE`);
  await sql.query(
    `INSERT INTO ${rebuiltSchema}.balances AS b (${STATE_COLUMN_NAMES}, position, updated_at)
     SELECT ${STATE_COLUMN_NAMES}, position, updated_at FROM ${liveSchema}.balances
      ORDER BY workspace_id COLLATE "C"
     ${UPSERT_ON_CONFLICT}`,
  );
}

/** The balance body as projected, or null when no event of the workspace was projected yet. */
export async function selectBalanceView(
  sql: SqlClient,
  schema: string,
  workspaceId: string,
): Promise<BalanceView | null> {
  const rows = await sql.query<BalanceRow>(
    `SELECT ${SELECT_COLUMNS} FROM ${schema}.balances WHERE workspace_id = $1`,
    [workspaceId],
  );
  const row = rows[0];
  if (!row) return null;
  return balanceViewOf(balanceOf(stateOfRow(row)), BigInt(row.position), new Date(row.updated_at));
}

/** Every projected balance, in workspace order, a page at a time (reconcile). */
export async function selectBalancePage(
  sql: SqlClient,
  schema: string,
  afterWorkspaceId: string,
  limit: number,
): Promise<BalanceView[]> {
  const rows = await sql.query<BalanceRow>(
    `SELECT ${SELECT_COLUMNS} FROM ${schema}.balances WHERE workspace_id > $1 ORDER BY workspace_id LIMIT $2`,
    [afterWorkspaceId, limit],
  );
  return rows.map((row) =>
    balanceViewOf(balanceOf(stateOfRow(row)), BigInt(row.position), new Date(row.updated_at)),
  );
}
