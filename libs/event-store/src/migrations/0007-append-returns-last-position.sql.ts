// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// event_store_append as in 0005, returning one column more: last_position, the global position
// of the last event the append stored in each stream (null when it stored none there). A caller's
// writes made alongside the append (AlongsideWrites) read it from \`appended\` — e.g. a read model
// written with its events records the position it is as of — since the other parts of the
// statement cannot see the rows the function inserts. A changed result type needs DROP and CREATE.
import type { Migration } from '../migration-runner';

export const MIGRATION_0007: Migration = {
  version: 7,
  name: 'event_store_append returns the last position it stored in each stream',
  statements: [
    'DROP FUNCTION IF EXISTS event_store_append(jsonb, jsonb, boolean)',
    `
CREATE FUNCTION event_store_append(
  p_streams jsonb,  -- [[stream name, expected revision code], ...]
  p_events  jsonb,  -- [{"s": stream index (1-based), "i": id, "t": type, "d": data, "m": metadata}, ...]
  p_reject_duplicates boolean DEFAULT false  -- true: an already stored id fails the whole append
) RETURNS TABLE (stream_index integer, next_expected_revision bigint, appended_count integer, duplicate_count integer,
                last_position bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_stream_names         text[];
  v_expected_revisions   bigint[];
  v_event_stream_indexes integer[];
  v_event_ids            uuid[];
  v_stream_count integer := jsonb_array_length(p_streams);
  v_fresh        boolean[];
  v_totals       integer[];
  v_fresh_counts integer[];
  v_revisions    bigint[];
  v_expected     bigint;
  v_previous     bigint;
  v_constraint   text;
  v_last_positions bigint[];
BEGIN
  SELECT array_agg(s.value->>0 ORDER BY s.ord), array_agg((s.value->>1)::bigint ORDER BY s.ord)
    INTO v_stream_names, v_expected_revisions
    FROM jsonb_array_elements(p_streams) WITH ORDINALITY AS s(value, ord);

  -- Only the small columns are unpacked here; data and metadata go straight from the document
  -- into the INSERT at the end (no array copy of every event's JSON).
  SELECT coalesce(array_agg(e.s ORDER BY e.ord), '{}'), coalesce(array_agg(e.i ORDER BY e.ord), '{}')
    INTO v_event_stream_indexes, v_event_ids
    FROM ROWS FROM (jsonb_to_recordset(p_events) AS (s integer, i uuid)) WITH ORDINALITY AS e(s, i, ord);

  IF p_reject_duplicates THEN
    -- Every event must be new: no lookup here, the unique index on event_id decides below.
    v_fresh := array_fill(true, ARRAY[cardinality(v_event_ids)]);
  ELSE
    SELECT coalesce(array_agg(i.is_first AND NOT EXISTS (
             SELECT 1 FROM event_store_events s WHERE s.event_id = i.id) ORDER BY i.ord), '{}')
      INTO v_fresh
      FROM (SELECT u.id, u.ord, row_number() OVER (PARTITION BY u.id ORDER BY u.ord) = 1 AS is_first
              FROM unnest(v_event_ids) WITH ORDINALITY AS u(id, ord)) i;
  END IF;

  SELECT array_agg(coalesce(c.total, 0) ORDER BY s.idx), array_agg(coalesce(c.fresh, 0) ORDER BY s.idx)
    INTO v_totals, v_fresh_counts
    FROM generate_series(1, v_stream_count) AS s(idx)
    LEFT JOIN (SELECT e.sidx, count(*)::integer AS total, (count(*) FILTER (WHERE e.fresh))::integer AS fresh
                 FROM unnest(v_event_stream_indexes, v_fresh) AS e(sidx, fresh)
                GROUP BY e.sidx) c ON c.sidx = s.idx;

  -- The proposed row for a new stream is (fresh - 1); on conflict the same value + 1 is added.
  WITH locked AS (
    INSERT INTO event_store_streams AS s (stream_name, revision)
    SELECT n.name, n.fresh - 1
      FROM unnest(v_stream_names, v_fresh_counts) AS n(name, fresh)
     ORDER BY n.name
    ON CONFLICT (stream_name) DO UPDATE SET revision = s.revision + excluded.revision + 1
    RETURNING s.stream_name, s.revision
  )
  SELECT array_agg(l.revision ORDER BY n.idx) INTO v_revisions
    FROM unnest(v_stream_names) WITH ORDINALITY AS n(name, idx)
    JOIN locked l ON l.stream_name = n.name;

  FOR i IN 1..v_stream_count LOOP
    CONTINUE WHEN v_totals[i] > 0 AND v_fresh_counts[i] = 0;
    v_expected := v_expected_revisions[i];
    v_previous := v_revisions[i] - v_fresh_counts[i];
    IF (v_expected = -1 AND v_previous <> -1)
       OR (v_expected = -3 AND v_previous = -1)
       OR (v_expected >= 0 AND v_previous <> v_expected) THEN
      RAISE EXCEPTION USING
        ERRCODE = 'ES409',
        MESSAGE = format('wrong expected revision on stream %s', v_stream_names[i]),
        DETAIL = json_build_object('streamIndex', i, 'actual', v_previous::text)::text;
    END IF;
  END LOOP;

  BEGIN
    WITH inserted AS (
      INSERT INTO event_store_events (event_id, stream_name, stream_revision, event_type, data, metadata)
      SELECT e.i, v_stream_names[e.s],
             v_revisions[e.s] - v_fresh_counts[e.s] + row_number() OVER (PARTITION BY e.s ORDER BY e.ord),
             e.t, e.d, e.m
        FROM ROWS FROM (jsonb_to_recordset(p_events) AS (s integer, i uuid, t text, d jsonb, m jsonb))
             WITH ORDINALITY AS e(s, i, t, d, m, ord)
       WHERE v_fresh[e.ord]
       ORDER BY e.ord
      RETURNING event_store_events.stream_name, event_store_events.global_position
    )
    SELECT array_agg(p.last_position ORDER BY n.idx) INTO v_last_positions
      FROM unnest(v_stream_names) WITH ORDINALITY AS n(name, idx)
      LEFT JOIN (SELECT i.stream_name, max(i.global_position) AS last_position
                   FROM inserted i GROUP BY i.stream_name) p ON p.stream_name = n.name;
  EXCEPTION WHEN unique_violation THEN
    GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME;
    IF p_reject_duplicates AND v_constraint = 'event_store_events_event_id_key' THEN
      RAISE EXCEPTION USING
        ERRCODE = 'ES410',
        MESSAGE = 'the append holds event ids that are already stored';
    END IF;
    RAISE;
  END;

  IF true = ANY(v_fresh) THEN
    PERFORM pg_notify('tally_event_store_appended', '');
  END IF;

  RETURN QUERY
  SELECT s.idx::integer, v_revisions[s.idx], v_fresh_counts[s.idx], v_totals[s.idx] - v_fresh_counts[s.idx],
         v_last_positions[s.idx]
    FROM generate_series(1, v_stream_count) AS s(idx);
END
$fn$`,
  ],
};
