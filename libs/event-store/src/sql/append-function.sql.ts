// Calls event_store_append, whose definition is frozen in the migrations (the latest in
// migrations/0007-append-returns-last-position.sql.ts, and 0005 before it, which says what it
// does). The SQLSTATEs are the
// codes that function raises; a spec holds the two together.

export const WRONG_EXPECTED_REVISION_SQLSTATE = 'ES409';
export const DUPLICATE_EVENT_SQLSTATE = 'ES410';
/** event_store_append_holding (migrations/0008-append-holding-a-stream.sql.ts): the held stream moved. */
export const HELD_STREAM_MOVED_SQLSTATE = 'ES412';

export const CALL_APPEND_FUNCTION = `
SELECT stream_index, next_expected_revision::text AS next_expected_revision, appended_count, duplicate_count,
       last_position
  FROM event_store_append($1::jsonb, $2::jsonb, $3::boolean)`;

/** The same append while holding another stream at a revision ($4, $5): HeldStream. */
export const CALL_APPEND_HOLDING_FUNCTION = `
SELECT stream_index, next_expected_revision::text AS next_expected_revision, appended_count, duplicate_count,
       last_position
  FROM event_store_append_holding($1::jsonb, $2::jsonb, $3::boolean, $4::text, $5::bigint)`;
