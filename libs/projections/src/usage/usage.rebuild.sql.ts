import type { EventStore, PositionRange, SqlClient } from '@tally/event-store';
import { creditEventsOf, WORKSPACE_ID_OF_EVENT } from '../credit-streams';
import type { BulkRebuilder } from '../projection';

// Usage rebuilt in the database: a range's debits summed per (workspace, UTC day of occurredAt,
// action kind), over the store's relation of the range's events. The table is loaded without its
// primary key (an upsert per range measured about half the statement's time), so a key whose
// debits span ranges has one partial row per range; `finish` merges those few into one and adds
// the key back.

// utcDayOf in SQL. Instants are stored in Date#toISOString form (24 characters, ending in Z),
// whose first ten characters are the UTC day; anything else is parsed, which costs more.
const UTC_DAY_OF_OCCURRED_AT = `CASE WHEN length(e.data ->> 'occurredAt') = 24 AND right(e.data ->> 'occurredAt', 1) = 'Z'
  THEN left(e.data ->> 'occurredAt', 10)::date
  ELSE ((e.data ->> 'occurredAt')::timestamptz AT TIME ZONE 'UTC')::date END`;

export async function addUsageOfRange(
  events: EventStore,
  schema: string,
  range: PositionRange,
): Promise<void> {
  await events.queryRange({
    range,
    filter: creditEventsOf(['CreditDebited']),
    statement: (debits) =>
      `INSERT INTO ${schema}.usage_daily (workspace_id, day, action_kind, total_micro, action_count)
       SELECT ${WORKSPACE_ID_OF_EVENT}, ${UTC_DAY_OF_OCCURRED_AT}, e.data ->> 'actionKind',
              sum((e.data ->> 'amountMicro')::bigint), count(*)
         FROM ${debits} e
        GROUP BY 1, 2, 3`,
  });
}

export function usageBulkRebuilder(schema: string): BulkRebuilder {
  return {
    async prepare(sql) {
      await sql.query(`ALTER TABLE ${schema}.usage_daily DROP CONSTRAINT usage_daily_pkey`);
    },
    applyRange: (_sql, events, range) => addUsageOfRange(events, schema, range),
    async finish(sql: SqlClient) {
      await sql.query(
        `WITH split AS (
           DELETE FROM ${schema}.usage_daily u
            USING (SELECT workspace_id, day, action_kind FROM ${schema}.usage_daily
                    GROUP BY 1, 2, 3 HAVING count(*) > 1) k
            WHERE (u.workspace_id, u.day, u.action_kind) = (k.workspace_id, k.day, k.action_kind)
           RETURNING u.*)
         INSERT INTO ${schema}.usage_daily
         SELECT workspace_id, day, action_kind, sum(total_micro), sum(action_count) FROM split GROUP BY 1, 2, 3`,
      );
      await sql.query(
        `ALTER TABLE ${schema}.usage_daily ADD CONSTRAINT usage_daily_pkey PRIMARY KEY (workspace_id, day, action_kind)`,
      );
    },
  };
}
