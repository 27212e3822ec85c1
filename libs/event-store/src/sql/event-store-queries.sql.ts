// The store's read statements. int8 and xid8 columns are cast to text: pg returns int8 as
// string, PGlite as number, and only text survives both unchanged.

const EVENT_COLUMNS = `
  e.transaction_id::text AS commit_position, e.global_position::text AS prepare_position,
  e.event_id::text AS event_id, e.event_type, e.stream_name, e.stream_revision::text AS stream_revision,
  e.data, e.metadata, (extract(epoch from date_trunc('milliseconds', e.created_at)) * 1000)::bigint::text AS created_at_ms`;

// Safe global read: only transactions below the oldest one still running (xmin of the current
// snapshot) are visible, so no event can later appear before the returned positions.
// Also returns that xmin (one row with NULL event columns when nothing matched) so a filtered
// reader can move its cursor past events the filter skipped.
// $1 commit, $2 prepare (exclusive), $3 types or NULL, $4 stream prefixes or NULL, $5 limit.
export const READ_ALL = `
WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
SELECT horizon.xmin::text AS visible_below, page.*
  FROM horizon
  LEFT JOIN LATERAL (
    SELECT ${EVENT_COLUMNS}
      FROM event_store_events e
     WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
       AND e.transaction_id < horizon.xmin
       AND ($3::text[] IS NULL OR e.event_type = ANY($3::text[]))
       AND ($4::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest($4::text[]) AS p(prefix) WHERE starts_with(e.stream_name, p.prefix)))
     ORDER BY e.transaction_id, e.global_position
     LIMIT $5::integer
  ) page ON true`;

// $1 stream, $2 first revision (inclusive), $3 limit or NULL.
export const READ_STREAM_FORWARDS = `
SELECT ${EVENT_COLUMNS}
  FROM event_store_events e
 WHERE e.stream_name = $1::text AND e.stream_revision >= $2::bigint
 ORDER BY e.stream_revision
 LIMIT $3::bigint`;

// $1 stream, $2 first revision (inclusive, counting down), $3 limit or NULL.
export const READ_STREAM_BACKWARDS = `
SELECT ${EVENT_COLUMNS}
  FROM event_store_events e
 WHERE e.stream_name = $1::text AND e.stream_revision <= $2::bigint
 ORDER BY e.stream_revision DESC
 LIMIT $3::bigint`;

export const SELECT_EXISTING_EVENT_IDS = `
SELECT event_id::text AS event_id FROM event_store_events WHERE event_id = ANY($1::uuid[])`;

export const SELECT_EVENTS_BY_ID = `
SELECT ${EVENT_COLUMNS} FROM event_store_events e WHERE e.event_id = ANY($1::uuid[])`;

export const SELECT_STREAM_REVISIONS = `
SELECT stream_name, revision::text AS revision
  FROM event_store_streams
 WHERE stream_name = ANY($1::text[]) AND revision >= 0`;

// Stream locks (migration 6): transaction-scoped advisory locks keyed (namespace, hashtext(name))
// — a key space the migration runner's single bigint keys never meet — and the revisions read once
// they are held.
export const LOCK_STREAMS = `
SELECT stream_name, revision::text AS revision FROM event_store_lock_streams($1::text[], $2::boolean)`;

// Every committed event, visible to subscribers or not yet (an older transaction still open).
export const SELECT_LAST_COMMITTED_POSITION = `
SELECT e.transaction_id::text AS commit_position, e.global_position::text AS prepare_position
  FROM event_store_events e
 ORDER BY e.transaction_id DESC, e.global_position DESC
 LIMIT 1`;

export const SELECT_HEAD_POSITION = `
SELECT e.transaction_id::text AS commit_position, e.global_position::text AS prepare_position
  FROM event_store_events e
 WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
 ORDER BY e.transaction_id DESC, e.global_position DESC
 LIMIT 1`;

// The first committed event after a position, whether subscribers may see it yet or not, and
// when it was recorded: how long work has been waiting for a reader at that position.
// $1/$2 the position, $3 stream-name prefixes or NULL.
export const SELECT_FIRST_COMMITTED_AFTER = `
SELECT e.transaction_id::text AS commit_position, e.global_position::text AS prepare_position,
       (extract(epoch from date_trunc('milliseconds', e.created_at)) * 1000)::bigint::text AS created_at_ms
  FROM event_store_events e
 WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
   AND ($3::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest($3::text[]) AS p(prefix) WHERE starts_with(e.stream_name, p.prefix)))
 ORDER BY e.transaction_id, e.global_position
 LIMIT 1`;

// $1 stream, $2 revisions.
export const READ_STREAM_AT = `
SELECT ${EVENT_COLUMNS}
  FROM event_store_events e
 WHERE e.stream_name = $1::text AND e.stream_revision = ANY($2::bigint[])
 ORDER BY e.stream_revision`;
