import type { EventStore, PositionRange } from '@tally/event-store';
import { creditEventsOf, WORKSPACE_ID_OF_EVENT } from '../credit-streams';
import type { BulkRebuilder } from '../projection';

// Rollover rebuilt in the database from a range's close events; as in the batch path, the last
// close of a (workspace, period start) in global order wins (ranges arrive in global order).

export async function upsertRolloverOfRange(
  events: EventStore,
  schema: string,
  range: PositionRange,
): Promise<void> {
  await events.queryRange({
    range,
    filter: creditEventsOf(['CreditPeriodClosed']),
    statement: (closes) =>
      `INSERT INTO ${schema}.rollover_periods AS r
       SELECT DISTINCT ON (1, 2) ${WORKSPACE_ID_OF_EVENT}, e.data ->> 'periodStart', e.data ->> 'periodEnd', e.data ->> 'cycle',
              (e.data ->> 'allocationMicro')::bigint, (e.data ->> 'usedMicro')::bigint, (e.data ->> 'unusedMicro')::bigint,
              (e.data ->> 'rolledOverMicro')::bigint, (e.data ->> 'expiredMicro')::bigint,
              (e.data ->> 'overdraftForgivenMicro')::bigint, e.prepare_position
         FROM ${closes} e
        ORDER BY 1, 2, e.commit_position DESC, e.prepare_position DESC
       ON CONFLICT (workspace_id, period_start) DO UPDATE SET
         period_end = excluded.period_end, cycle = excluded.cycle, allocation_micro = excluded.allocation_micro,
         used_micro = excluded.used_micro, unused_micro = excluded.unused_micro,
         rolled_over_micro = excluded.rolled_over_micro, expired_micro = excluded.expired_micro,
         overdraft_forgiven_micro = excluded.overdraft_forgiven_micro, position = excluded.position`,
  });
}

export function rolloverBulkRebuilder(schema: string): BulkRebuilder {
  return {
    prepare: () => Promise.resolve(),
    applyRange: (_sql, events, range) => upsertRolloverOfRange(events, schema, range),
    finish: () => Promise.resolve(),
  };
}
