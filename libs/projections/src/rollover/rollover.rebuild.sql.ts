import type { SqlClient } from '@tally/event-store';
import type { BulkRebuilder } from '../projection';
import { IN_RANGE, PositionRange, rangeParameters, WORKSPACE_ID } from '../rebuild/event-range.sql';

// Rollover rebuilt in the database from a range's close events; as in the batch path, the last
// close of a (workspace, period start) in global order wins (ranges arrive in global order).

export async function upsertRolloverOfRange(
  sql: SqlClient,
  schema: string,
  range: PositionRange,
): Promise<void> {
  await sql.query(
    `INSERT INTO ${schema}.rollover_periods AS r
     SELECT DISTINCT ON (1, 2) ${WORKSPACE_ID}, e.data ->> 'periodStart', e.data ->> 'periodEnd', e.data ->> 'cycle',
            (e.data ->> 'allocationMicro')::bigint, (e.data ->> 'usedMicro')::bigint, (e.data ->> 'unusedMicro')::bigint,
            (e.data ->> 'rolledOverMicro')::bigint, (e.data ->> 'expiredMicro')::bigint,
            (e.data ->> 'overdraftForgivenMicro')::bigint, e.global_position
       FROM event_store_events e
      WHERE ${IN_RANGE} AND e.event_type = 'CreditPeriodClosed'
      ORDER BY 1, 2, e.transaction_id DESC, e.global_position DESC
     ON CONFLICT (workspace_id, period_start) DO UPDATE SET
       period_end = excluded.period_end, cycle = excluded.cycle, allocation_micro = excluded.allocation_micro,
       used_micro = excluded.used_micro, unused_micro = excluded.unused_micro,
       rolled_over_micro = excluded.rolled_over_micro, expired_micro = excluded.expired_micro,
       overdraft_forgiven_micro = excluded.overdraft_forgiven_micro, position = excluded.position`,
    rangeParameters(range),
  );
}

export function rolloverBulkRebuilder(schema: string): BulkRebuilder {
  return {
    prepare: () => Promise.resolve(),
    applyRange: (sql, range) => upsertRolloverOfRange(sql, schema, range),
    finish: () => Promise.resolve(),
  };
}
