import type { SqlClient } from '@tally/event-store';

// One row per closed period, keyed by (workspace, period start): a redelivered close rewrites
// the same row with the same values. Its DDL is frozen in ../migrations/.

export interface RolloverRow {
  workspaceId: string;
  periodStart: string;
  periodEnd: string;
  cycle: string;
  allocationMicro: bigint;
  usedMicro: bigint;
  unusedMicro: bigint;
  rolledOverMicro: bigint;
  expiredMicro: bigint;
  overdraftForgivenMicro: bigint;
  position: bigint;
}

export async function upsertRolloverPeriods(
  sql: SqlClient,
  schema: string,
  rows: RolloverRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const pick = <T>(get: (row: RolloverRow) => T): T[] => rows.map(get);
  const micro = (get: (row: RolloverRow) => bigint): string[] =>
    rows.map((row) => get(row).toString());
  await sql.query(
    `INSERT INTO ${schema}.rollover_periods
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[],
       $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[])
     ON CONFLICT (workspace_id, period_start) DO UPDATE SET
       period_end = excluded.period_end, cycle = excluded.cycle, allocation_micro = excluded.allocation_micro,
       used_micro = excluded.used_micro, unused_micro = excluded.unused_micro,
       rolled_over_micro = excluded.rolled_over_micro, expired_micro = excluded.expired_micro,
       overdraft_forgiven_micro = excluded.overdraft_forgiven_micro, position = excluded.position`,
    [
      pick((row) => row.workspaceId),
      pick((row) => row.periodStart),
      pick((row) => row.periodEnd),
      pick((row) => row.cycle),
      micro((row) => row.allocationMicro),
      micro((row) => row.usedMicro),
      micro((row) => row.unusedMicro),
      micro((row) => row.rolledOverMicro),
      micro((row) => row.expiredMicro),
      micro((row) => row.overdraftForgivenMicro),
      micro((row) => row.position),
    ],
  );
}

/** The rollover body of the billing API (design §3). */
export interface RolloverPeriodView {
  periodStart: string;
  periodEnd: string;
  allocationMicro: string;
  unusedMicro: string;
  rolledOverMicro: string;
  expiredMicro: string;
  overdraftForgivenMicro: string;
}

/** Closed periods of a workspace, newest first. */
export async function selectRolloverPeriods(
  sql: SqlClient,
  schema: string,
  workspaceId: string,
): Promise<RolloverPeriodView[]> {
  return sql.query<RolloverPeriodView>(
    `SELECT period_start AS "periodStart", period_end AS "periodEnd", allocation_micro::text AS "allocationMicro",
       unused_micro::text AS "unusedMicro", rolled_over_micro::text AS "rolledOverMicro",
       expired_micro::text AS "expiredMicro", overdraft_forgiven_micro::text AS "overdraftForgivenMicro"
     FROM ${schema}.rollover_periods WHERE workspace_id = $1 ORDER BY period_start DESC`,
    [workspaceId],
  );
}
