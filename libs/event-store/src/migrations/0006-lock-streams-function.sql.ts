// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// event_store_lock_streams: takes the transaction-scoped lock of each stream name (shared or
// exclusive; keyed (namespace, hashtext(name)), taken in name order so overlapping sets cannot
// deadlock) and then returns the revision of each of those streams that has events — in ONE
// round trip. The revisions are read by a second statement of this VOLATILE function, which
// takes its own snapshot once every lock is held, so it sees every writer that held a lock
// before (one statement doing both would read with a snapshot from before its lock waits).
import type { Migration } from '../migration-runner';

export const MIGRATION_0006: Migration = {
  version: 6,
  name: 'event_store_lock_streams locks stream names and returns their revisions',
  statements: [
    `
CREATE OR REPLACE FUNCTION event_store_lock_streams(p_stream_names text[], p_exclusive boolean)
RETURNS TABLE (stream_name text, revision bigint)
LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
  IF p_exclusive THEN
    PERFORM count(pg_advisory_xact_lock(1952541001, hashtext(n.name)))
       FROM (SELECT DISTINCT u.name FROM unnest(p_stream_names) AS u(name) ORDER BY u.name) n;
  ELSE
    PERFORM count(pg_advisory_xact_lock_shared(1952541001, hashtext(n.name)))
       FROM (SELECT DISTINCT u.name FROM unnest(p_stream_names) AS u(name) ORDER BY u.name) n;
  END IF;
  RETURN QUERY
    SELECT s.stream_name, s.revision
      FROM event_store_streams s
     WHERE s.stream_name = ANY(p_stream_names) AND s.revision >= 0;
END
$fn$`,
  ],
};
