import type { Position, SqlClient } from '@tally/event-store';
import { CREDIT_STREAM_PREFIX } from '../projections.limits';

// The rebuild reads the store's table directly, set-based, instead of paging through readAll:
// `event_store_events` (see libs/event-store/README.md) in its global order
// (transaction_id, global_position). A range is (after, upTo] in that order, with `upTo` at or
// below a head position taken under the visibility rule, so every transaction in it has ended
// and the range's contents can never change.

/** (after, upTo] in global order. */
export interface PositionRange {
  after: Position;
  upTo: Position;
}

/** `$1..$5` of every range statement: after commit/prepare, upTo commit/prepare, stream prefix. */
export function rangeParameters(range: PositionRange): string[] {
  return [
    range.after.commit.toString(),
    range.after.prepare.toString(),
    range.upTo.commit.toString(),
    range.upTo.prepare.toString(),
    CREDIT_STREAM_PREFIX,
  ];
}

/** The credit-stream events of a range, for `FROM event_store_events e WHERE ${IN_RANGE}`. */
export const IN_RANGE = `(e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
  AND (e.transaction_id, e.global_position) <= ($3::text::xid8, $4::bigint)
  AND starts_with(e.stream_name, $5::text)`;

/** The workspace id of a credit stream (the ledger's `workspaceIdOfStream`, in SQL). */
export const WORKSPACE_ID = `substr(e.stream_name, ${CREDIT_STREAM_PREFIX.length + 1})`;

/**
 * The end of the next range: the position `eventsMax` events (of any stream) after `after`,
 * or `head` when fewer remain; plus how many credit-stream events the range holds. One index
 * range scan. Null when nothing is left.
 */
export async function nextRange(
  sql: SqlClient,
  after: Position,
  head: Position,
  eventsMax: number,
): Promise<{ range: PositionRange; events: number } | null> {
  const [row] = await sql.query<{ commit: string | null; prepare: string | null; events: string }>(
    `WITH chunk AS (
       SELECT e.transaction_id, e.global_position, e.stream_name FROM event_store_events e
        WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
          AND (e.transaction_id, e.global_position) <= ($3::text::xid8, $4::bigint)
        ORDER BY e.transaction_id, e.global_position
        LIMIT $6::integer)
     SELECT last.transaction_id::text AS commit, last.global_position::text AS prepare,
            (SELECT count(*) FROM chunk WHERE starts_with(chunk.stream_name, $5::text))::text AS events
       FROM (SELECT 1) AS one
       LEFT JOIN (SELECT transaction_id, global_position FROM chunk
                   ORDER BY transaction_id DESC, global_position DESC LIMIT 1) last ON true`,
    [...rangeParameters({ after, upTo: head }), eventsMax],
  );
  if (!row || row.commit === null || row.prepare === null) return null;
  return {
    range: { after, upTo: { commit: BigInt(row.commit), prepare: BigInt(row.prepare) } },
    events: Number(row.events),
  };
}
