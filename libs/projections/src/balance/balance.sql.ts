import type { BillingCycle, GrantType, WorkspaceStatus } from '@tally/contracts';
import {
  GrantBucket,
  initialWorkspaceState,
  Reservation,
  WorkspacePlan,
  WorkspaceState,
} from '@tally/credits';
import { balanceOf } from './balance.body';
import type { SqlClient } from '@tally/event-store';
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

/**
 * One statement for the whole batch: a row per workspace, arrays unnested. With a channel, the
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
  const columns: unknown[][] = Array.from({ length: 18 }, () => []);
  for (const { state, position, updatedAt } of upserts) {
    const balance = balanceOf(state);
    const grants = state.grants.map((grant) => ({
      ...grant,
      remainingMicro: grant.remainingMicro.toString(),
    }));
    const values = [
      state.workspaceId,
      state.status,
      state.period?.cycle ?? null,
      state.period?.start ?? null,
      state.period?.end ?? null,
      balance.allocationMicro.toString(),
      balance.allocationRemainingMicro.toString(),
      balance.rolloverMicro.toString(),
      balance.grantedMicro.toString(),
      balance.purchasedMicro.toString(),
      balance.overdraftMicro.toString(),
      balance.usedThisPeriodMicro.toString(),
      balance.totalAvailableMicro.toString(),
      JSON.stringify(grants),
      position.toString(),
      updatedAt.toISOString(),
      state.reservedMicro.toString(),
      JSON.stringify(
        state.reservations.map((reservation) => ({
          ...reservation,
          amountMicro: reservation.amountMicro.toString(),
          spentMicro: reservation.spentMicro.toString(),
        })),
      ),
    ];
    values.forEach((value, index) => columns[index]?.push(value));
  }
  await sql.query(
    `WITH upserted AS (
     INSERT INTO ${schema}.balances AS b
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[],
       $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::jsonb[],
       $15::bigint[], $16::timestamptz[], $17::bigint[], $18::jsonb[])
     ON CONFLICT (workspace_id) DO UPDATE SET
       status = excluded.status, cycle = excluded.cycle, period_start = excluded.period_start,
       period_end = excluded.period_end, allocation_micro = excluded.allocation_micro,
       allocation_remaining_micro = excluded.allocation_remaining_micro, rollover_micro = excluded.rollover_micro,
       granted_micro = excluded.granted_micro, purchased_micro = excluded.purchased_micro,
       overdraft_micro = excluded.overdraft_micro, used_this_period_micro = excluded.used_this_period_micro,
       total_available_micro = excluded.total_available_micro, grants = excluded.grants,
       position = excluded.position, updated_at = excluded.updated_at,
       reserved_micro = excluded.reserved_micro, reservations = excluded.reservations
     RETURNING b.workspace_id)
     SELECT count(*)${notifyChannel === null ? '' : ', count(pg_notify($19, upserted.workspace_id))'} FROM upserted`,
    notifyChannel === null ? columns : [...columns, notifyChannel],
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
