// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// event_store_append_holding: event_store_append behind a check of another stream, in the same
// statement. It first takes that stream's lock shared (the key event_store_lock_streams uses, so
// a holder of it exclusively waits for this transaction), then reads the stream's revision with
// a snapshot taken once the lock is held, and appends only if the stream is at the revision the
// caller read (else ES412, nothing appended). The ledger holds the price-book stream this way: one
// round trip where BEGIN, event_store_lock_streams, the append and COMMIT took four.
import type { Migration } from '../migration-runner';

export const MIGRATION_0008: Migration = {
  version: 8,
  name: 'event_store_append_holding appends while holding another stream at a revision',
  statements: [
    `
CREATE OR REPLACE FUNCTION event_store_append_holding(
  p_streams jsonb,
  p_events  jsonb,
  p_reject_duplicates boolean,
  p_held_stream text,    -- held shared until the transaction ends
  p_held_revision bigint -- the revision it must be at
) RETURNS TABLE (stream_index integer, next_expected_revision bigint, appended_count integer, duplicate_count integer,
                last_position bigint)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_revision bigint;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(1952541001, hashtext(p_held_stream));
  SELECT s.revision INTO v_revision
    FROM event_store_streams s
   WHERE s.stream_name = p_held_stream AND s.revision >= 0;
  IF v_revision IS DISTINCT FROM p_held_revision THEN
    RAISE EXCEPTION USING
      ERRCODE = 'ES412',
      MESSAGE = format('stream %s is at revision %s, not %s', p_held_stream,
                       coalesce(v_revision::text, 'none'), p_held_revision);
  END IF;
  RETURN QUERY SELECT * FROM event_store_append(p_streams, p_events, p_reject_duplicates);
END
$fn$`,
  ],
};
