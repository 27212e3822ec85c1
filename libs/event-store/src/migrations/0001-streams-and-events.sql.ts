// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// The stream table and the event log. One row per stream holds its current revision (-1 = row
// locked by an append that added no event yet, so the stream does not exist); the row is the lock
// that serialises appends per stream. Global order is (transaction_id, global_position):
// transaction_id is the appending transaction's xid8, global_position a sequence value taken
// inside it. Readers only see transaction ids below the oldest running transaction (READ_ALL in
// sql/event-store-queries.sql.ts), so an event committed late by a slow transaction is never
// skipped by a reader that already moved on. The unique event_id index is idempotency (an id is
// stored once, whatever its stream); (stream_name, stream_revision) keeps revisions gapless and
// serves readStream. Version 4 replaced the primary key and the global order index.
import type { Migration } from '../migration-runner';

export const MIGRATION_0001: Migration = {
  version: 1,
  name: 'create streams and events',
  statements: [
    `
CREATE TABLE IF NOT EXISTS event_store_streams (
  stream_name text   PRIMARY KEY,
  revision    bigint NOT NULL CHECK (revision >= -1)
)`,
    `
CREATE TABLE IF NOT EXISTS event_store_events (
  global_position bigserial   PRIMARY KEY,
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  event_id        uuid        NOT NULL,
  stream_name     text        NOT NULL,
  stream_revision bigint      NOT NULL CHECK (stream_revision >= 0),
  event_type      text        NOT NULL,
  data            jsonb       NOT NULL,
  metadata        jsonb,
  created_at      timestamptz NOT NULL DEFAULT now()
)`,
    `
CREATE UNIQUE INDEX IF NOT EXISTS event_store_events_event_id_key ON event_store_events (event_id)`,
    `
CREATE UNIQUE INDEX IF NOT EXISTS event_store_events_stream_revision_key ON event_store_events (stream_name, stream_revision)`,
    `
CREATE INDEX IF NOT EXISTS event_store_events_global_order_idx ON event_store_events (transaction_id, global_position)`,
  ],
};
