import type { SqlClient } from '@tally/event-store';
import type { BulkRebuilder } from '../projection';
import { IN_RANGE, PositionRange, rangeParameters, WORKSPACE_ID } from '../rebuild/event-range.sql';

// Usage rebuilt in the database: a range's debits summed per (workspace, UTC day of occurredAt,
// action kind) and added to the totals, as `addUsage` does for a batch.

// utcDayOf in SQL. Instants are stored in Date#toISOString form (24 characters, ending in Z),
// whose first ten characters are the UTC day; anything else is parsed, which costs more.
const UTC_DAY_OF_OCCURRED_AT = `CASE WHEN length(e.data ->> 'occurredAt') = 24 AND right(e.data ->> 'occurredAt', 1) = 'Z'
  THEN left(e.data ->> 'occurredAt', 10)::date
  ELSE ((e.data ->> 'occurredAt')::timestamptz AT TIME ZONE 'UTC')::date END`;

export async function addUsageOfRange(
  sql: SqlClient,
  schema: string,
  range: PositionRange,
): Promise<void> {
  await sql.query(
    `INSERT INTO ${schema}.usage_daily AS u (workspace_id, day, action_kind, total_micro, action_count)
     SELECT ${WORKSPACE_ID}, ${UTC_DAY_OF_OCCURRED_AT}, e.data ->> 'actionKind',
            sum((e.data ->> 'amountMicro')::bigint), count(*)
       FROM event_store_events e
      WHERE ${IN_RANGE} AND e.event_type = 'CreditDebited'
      GROUP BY 1, 2, 3
     ON CONFLICT (workspace_id, day, action_kind) DO UPDATE SET
       total_micro = u.total_micro + excluded.total_micro, action_count = u.action_count + excluded.action_count`,
    rangeParameters(range),
  );
}

export function usageBulkRebuilder(schema: string): BulkRebuilder {
  return {
    prepare: () => Promise.resolve(),
    applyRange: (sql, range) => addUsageOfRange(sql, schema, range),
    finish: () => Promise.resolve(),
  };
}
