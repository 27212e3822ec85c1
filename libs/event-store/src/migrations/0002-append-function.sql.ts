// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// event_store_append as version 2 left it: streams and events as two JSON documents, unpacked
// into arrays (every event's data copied), ids looked up before the insert. Version 3 drops it.
// An earlier form of this version took seven arrays; version 3 drops that signature too, so
// every database ends the same whichever form it ran.
import type { Migration } from '../migration-runner';

export const MIGRATION_0002: Migration = {
  version: 2,
  name: 'create event_store_append',
  statements: [
    `
CREATE OR REPLACE FUNCTION event_store_append(
  p_streams jsonb,  -- [[stream name, expected revision code], ...]
  p_events  jsonb   -- [{"s": stream index (1-based), "i": id, "t": type, "d": data, "m": metadata}, ...]
) RETURNS TABLE (stream_index integer, next_expected_revision bigint, appended_count integer, duplicate_count integer)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_stream_names         text[];
  v_expected_revisions   bigint[];
  v_event_stream_indexes integer[];
  v_event_ids            uuid[];
  v_event_types          text[];
  v_event_data           jsonb[];
  v_event_metadata       jsonb[];
  v_stream_count integer := jsonb_array_length(p_streams);
  v_fresh        boolean[];
  v_totals       integer[];
  v_fresh_counts integer[];
  v_revisions    bigint[];
  v_expected     bigint;
  v_previous     bigint;
BEGIN
  SELECT array_agg(s.value->>0 ORDER BY s.ord), array_agg((s.value->>1)::bigint ORDER BY s.ord)
    INTO v_stream_names, v_expected_revisions
    FROM jsonb_array_elements(p_streams) WITH ORDINALITY AS s(value, ord);

  SELECT coalesce(array_agg(e.s ORDER BY e.ord), '{}'), coalesce(array_agg(e.i ORDER BY e.ord), '{}'),
         coalesce(array_agg(e.t ORDER BY e.ord), '{}'), coalesce(array_agg(e.d ORDER BY e.ord), '{}'),
         coalesce(array_agg(e.m ORDER BY e.ord), '{}')
    INTO v_event_stream_indexes, v_event_ids, v_event_types, v_event_data, v_event_metadata
    FROM ROWS FROM (jsonb_to_recordset(p_events) AS (s integer, i uuid, t text, d jsonb, m jsonb))
         WITH ORDINALITY AS e(s, i, t, d, m, ord);

  SELECT coalesce(array_agg(i.is_first AND NOT EXISTS (
           SELECT 1 FROM event_store_events s WHERE s.event_id = i.id) ORDER BY i.ord), '{}')
    INTO v_fresh
    FROM (SELECT u.id, u.ord, row_number() OVER (PARTITION BY u.id ORDER BY u.ord) = 1 AS is_first
            FROM unnest(v_event_ids) WITH ORDINALITY AS u(id, ord)) i;

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

  INSERT INTO event_store_events (event_id, stream_name, stream_revision, event_type, data, metadata)
  SELECT e.id, v_stream_names[e.sidx],
         v_revisions[e.sidx] - v_fresh_counts[e.sidx] + row_number() OVER (PARTITION BY e.sidx ORDER BY e.ord),
         e.type, e.data, e.metadata
    FROM unnest(v_event_stream_indexes, v_event_ids, v_event_types, v_event_data, v_event_metadata, v_fresh)
         WITH ORDINALITY AS e(sidx, id, type, data, metadata, fresh, ord)
   WHERE e.fresh
   ORDER BY e.ord;

  IF true = ANY(v_fresh) THEN
    PERFORM pg_notify('tally_event_store_appended', '');
  END IF;

  RETURN QUERY
  SELECT s.idx::integer, v_revisions[s.idx], v_fresh_counts[s.idx], v_totals[s.idx] - v_fresh_counts[s.idx]
    FROM generate_series(1, v_stream_count) AS s(idx);
END
$fn$`,
  ],
};
