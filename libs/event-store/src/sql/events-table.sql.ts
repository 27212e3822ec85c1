// The event log. Global order is (transaction_id, global_position): transaction_id is the
// appending transaction's xid8, global_position a sequence value taken inside it. Readers only
// see transaction ids below the oldest running transaction (see read-all.sql.ts), so an event
// committed late by a slow transaction is never skipped by a reader that already moved on.
export const CREATE_EVENTS_TABLE = `
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
)`;

// Idempotency: an event id is stored once, whatever stream it was appended to.
export const CREATE_EVENTS_EVENT_ID_INDEX = `
CREATE UNIQUE INDEX IF NOT EXISTS event_store_events_event_id_key ON event_store_events (event_id)`;

// One event per stream revision; also serves readStream.
export const CREATE_EVENTS_STREAM_REVISION_INDEX = `
CREATE UNIQUE INDEX IF NOT EXISTS event_store_events_stream_revision_key ON event_store_events (stream_name, stream_revision)`;

// Serves readAll / subscriptions in global order.
export const CREATE_EVENTS_GLOBAL_ORDER_INDEX = `
CREATE INDEX IF NOT EXISTS event_store_events_global_order_idx ON event_store_events (transaction_id, global_position)`;

// Migration 4: the global order becomes the primary key, replacing the primary key on
// global_position alone (no query looks events up by it) and the separate order index. One
// B-tree fewer to maintain on every append.
export const MAKE_GLOBAL_ORDER_THE_PRIMARY_KEY = [
  'ALTER TABLE event_store_events DROP CONSTRAINT IF EXISTS event_store_events_pkey',
  'DROP INDEX IF EXISTS event_store_events_global_order_idx',
  'ALTER TABLE event_store_events ADD CONSTRAINT event_store_events_pkey PRIMARY KEY (transaction_id, global_position)',
];
