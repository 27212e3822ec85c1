import { withStoredDefaults } from '@tally/ledger';
import type { EventStore, Position, PositionRange, SqlClient } from '@tally/event-store';
import { START } from '@tally/event-store';
import { CREDIT_STREAMS, creditEventsOf, WORKSPACE_ID_OF_EVENT } from '../credit-streams';

// What the balance fold needs of a range, with the debits compressed in the database: per
// workspace, every event that is not a debit (nor a debit that drew on a reservation) comes as it
// is stored, and each run of consecutive plain debits (no other event of the workspace between
// them, in global order) comes as one row of sums. Rows come per workspace in global order. `lastPosition`/`lastCreatedAt` are those of
// the row's last event (the one after which the run ends).

export interface BalanceRangeRow {
  workspace_id: string;
  debit_run: boolean;
  event_type: string;
  /** The stored data of a non-debit event; null for a debit run. */
  data: Record<string, unknown> | string | null;
  last_position: string;
  last_created_at: Date | string;
  /** The run's sums; null on the row of a non-debit event. */
  amount_micro: string | null;
  rollover_micro: string | null;
  allocation_micro: string | null;
  granted_micro: string | null;
  purchased_micro: string | null;
  overdraft_micro: string | null;
  /** [[reference, amountMicro], ...] summed per grant over the run; null when no grant was debited. */
  grants: [string, string][] | string | null;
}

const LAST_OPENINGS_TABLE = 'balance_rebuild_last_openings';

// A debit's amounts as the store reads them. A stored debit leaves out the parts that hold their
// default (zero split parts, no grant: see the credits codec); the store puts those defaults
// back, given by the codec itself, so the rule is written once.
const DEBIT_FIELDS = {
  amount_micro: ['amountMicro'],
  rollover_micro: ['split', 'rolloverMicro'],
  allocation_micro: ['split', 'allocationMicro'],
  granted_micro: ['split', 'grantedMicro'],
  purchased_micro: ['split', 'purchasedMicro'],
  overdraft_micro: ['split', 'overdraftMicro'],
  grants: ['grants'],
  reservation_found: ['reservationFound'],
} as const;

// A debit that drew on a reservation changes that reservation's spent amount, which sums over a
// run cannot say: it comes as stored, like any other event, and ends the run before it.
const SUMMED_DEBIT = `(e.event_type = 'CreditDebited' AND e.reservation_found IS DISTINCT FROM 'true')`;
const STORED_DEFAULTS = { CreditDebited: withStoredDefaults('CreditDebited', {}) };

// The chunk keeps only what the fold reads: a debit's amounts (as bigint) and grant debits, a
// non-debit event's data; so the window's sort stays narrow.
const SELECT_BALANCE_RANGE = (schema: string, events: string): string => `
WITH chunk AS MATERIALIZED (
  SELECT ${WORKSPACE_ID_OF_EVENT} AS workspace_id, e.prepare_position AS global_position, e.event_type, e.created_at,
         ${SUMMED_DEBIT} AS summed,
         CASE WHEN ${SUMMED_DEBIT} THEN NULL ELSE e.data END AS data,
         CASE WHEN ${SUMMED_DEBIT} AND e.grants <> '[]' THEN e.grants::jsonb END AS grants,
         e.amount_micro::bigint AS amount_micro, e.rollover_micro::bigint AS rollover_micro,
         e.allocation_micro::bigint AS allocation_micro, e.granted_micro::bigint AS granted_micro,
         e.purchased_micro::bigint AS purchased_micro, e.overdraft_micro::bigint AS overdraft_micro,
         count(*) FILTER (WHERE NOT ${SUMMED_DEBIT}) OVER w AS run,
         lead(${SUMMED_DEBIT}) OVER w IS DISTINCT FROM true AS ends_run
    FROM ${events} e
    LEFT JOIN ${schema}.${LAST_OPENINGS_TABLE} o ON o.stream_name = e.stream_name
   WHERE o.stream_name IS NULL OR (e.commit_position, e.prepare_position) >= (o.commit_position, o.prepare_position)
  WINDOW w AS (PARTITION BY e.stream_name ORDER BY e.commit_position, e.prepare_position)
),
grant_debits AS (
  SELECT g.workspace_id, g.run, json_agg(json_build_array(g.reference, g.amount_micro::text)) AS grants
    FROM (SELECT c.workspace_id, c.run, d.value ->> 'reference' AS reference,
                 sum((d.value ->> 'amountMicro')::bigint) AS amount_micro
            FROM chunk c CROSS JOIN LATERAL jsonb_array_elements(c.grants) AS d(value)
           WHERE c.grants IS NOT NULL
           GROUP BY 1, 2, 3) g
   GROUP BY 1, 2
)
SELECT * FROM (
  SELECT c.workspace_id, c.run, false AS debit_run, c.event_type, c.data, c.global_position::text AS last_position,
         c.created_at AS last_created_at, NULL::text AS amount_micro, NULL::text AS rollover_micro,
         NULL::text AS allocation_micro, NULL::text AS granted_micro, NULL::text AS purchased_micro,
         NULL::text AS overdraft_micro, NULL::json AS grants
    FROM chunk c
   WHERE NOT c.summed
  UNION ALL
  SELECT d.workspace_id, d.run, true, 'CreditDebited', NULL, d.last_position, d.last_created_at, d.amount_micro,
         d.rollover_micro, d.allocation_micro, d.granted_micro, d.purchased_micro, d.overdraft_micro, g.grants
    FROM (SELECT c.workspace_id, c.run,
                 max(c.global_position) FILTER (WHERE c.ends_run)::text AS last_position,
                 max(c.created_at) FILTER (WHERE c.ends_run) AS last_created_at,
                 sum(c.amount_micro)::text AS amount_micro, sum(c.rollover_micro)::text AS rollover_micro,
                 sum(c.allocation_micro)::text AS allocation_micro, sum(c.granted_micro)::text AS granted_micro,
                 sum(c.purchased_micro)::text AS purchased_micro, sum(c.overdraft_micro)::text AS overdraft_micro
            FROM chunk c
           WHERE c.summed
           GROUP BY c.workspace_id, c.run) d
    LEFT JOIN grant_debits g ON g.workspace_id = d.workspace_id AND g.run = d.run
) rows
ORDER BY rows.workspace_id, rows.run, rows.debit_run`;

export function selectBalanceRange(
  events: EventStore,
  schema: string,
  range: PositionRange,
): Promise<BalanceRangeRow[]> {
  return events.queryRange<BalanceRangeRow>({
    range,
    filter: CREDIT_STREAMS,
    fields: DEBIT_FIELDS,
    storedDefaults: STORED_DEFAULTS,
    statement: (relation) => SELECT_BALANCE_RANGE(schema, relation),
  });
}

// Closing the books: CreditPeriodOpened carries the whole opening state and `evolve` of it
// ignores the state before, so a workspace's balance is the fold of its events from its last
// opening on. The rebuild finds each stream's last opening up to the head once (a scan that
// reads no jsonb) and the ranges skip every event before it.
export async function createLastOpenings(
  sql: SqlClient,
  events: EventStore,
  schema: string,
  head: Position,
): Promise<void> {
  await events.queryRange({
    range: { after: START, upTo: head },
    filter: creditEventsOf(['CreditPeriodOpened']),
    statement: (openings) =>
      `CREATE TABLE ${schema}.${LAST_OPENINGS_TABLE} AS
       SELECT DISTINCT ON (e.stream_name) e.stream_name, e.commit_position, e.prepare_position
         FROM ${openings} e
        ORDER BY e.stream_name, e.commit_position DESC, e.prepare_position DESC`,
  });
  await sql.query(`ALTER TABLE ${schema}.${LAST_OPENINGS_TABLE} ADD PRIMARY KEY (stream_name)`);
  await sql.query(`ANALYZE ${schema}.${LAST_OPENINGS_TABLE}`);
}

export async function dropLastOpenings(sql: SqlClient, schema: string): Promise<void> {
  await sql.query(`DROP TABLE IF EXISTS ${schema}.${LAST_OPENINGS_TABLE}`);
}
