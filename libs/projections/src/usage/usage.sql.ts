import type { SqlClient } from '@tally/event-store';

// Usage per workspace, per UTC day of the action's occurredAt, per action kind. Increments are
// not idempotent on their own: the checkpoint, moved in the same transaction, is what makes a
// replayed batch a no-op (events at or before it never reach here). Its DDL is frozen in
// ../migrations/.

export interface UsageIncrement {
  workspaceId: string;
  /** YYYY-MM-DD, UTC. */
  day: string;
  actionKind: string;
  totalMicro: bigint;
  actionCount: number;
}

export async function addUsage(
  sql: SqlClient,
  schema: string,
  increments: UsageIncrement[],
): Promise<void> {
  if (increments.length === 0) return;
  await sql.query(
    `INSERT INTO ${schema}.usage_daily AS u
     SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::bigint[], $5::bigint[])
     ON CONFLICT (workspace_id, day, action_kind) DO UPDATE SET
       total_micro = u.total_micro + excluded.total_micro, action_count = u.action_count + excluded.action_count`,
    [
      increments.map((row) => row.workspaceId),
      increments.map((row) => row.day),
      increments.map((row) => row.actionKind),
      increments.map((row) => row.totalMicro.toString()),
      increments.map((row) => String(row.actionCount)),
    ],
  );
}

/** One bucket of the usage body of the billing API (design §3). */
export interface UsageBucketView {
  bucketStart: string;
  totalMicro: string;
  count: number;
  byKind: Record<string, string>;
}

/** Days with usage in [fromDay, toDay), oldest first; days without usage are left out. */
export async function selectUsageByDay(
  sql: SqlClient,
  schema: string,
  workspaceId: string,
  fromDay: string,
  toDay: string,
): Promise<UsageBucketView[]> {
  const rows = await sql.query<{
    day: string;
    action_kind: string;
    total_micro: string;
    action_count: string;
  }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, action_kind, total_micro::text, action_count::text
     FROM ${schema}.usage_daily WHERE workspace_id = $1 AND day >= $2::date AND day < $3::date
     ORDER BY day, action_kind`,
    [workspaceId, fromDay, toDay],
  );
  const buckets = new Map<
    string,
    { total: bigint; count: number; byKind: Record<string, string> }
  >();
  for (const row of rows) {
    const bucket = buckets.get(row.day) ?? { total: 0n, count: 0, byKind: {} };
    bucket.total += BigInt(row.total_micro);
    bucket.count += Number(row.action_count);
    bucket.byKind[row.action_kind] = row.total_micro;
    buckets.set(row.day, bucket);
  }
  return [...buckets.entries()].map(([day, bucket]) => ({
    bucketStart: `${day}T00:00:00.000Z`,
    totalMicro: bucket.total.toString(),
    count: bucket.count,
    byKind: bucket.byKind,
  }));
}
