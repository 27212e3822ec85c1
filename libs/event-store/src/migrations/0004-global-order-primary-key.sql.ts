// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// The global order becomes the primary key, replacing the primary key on global_position alone
// (no query looks events up by it) and the separate order index: one B-tree fewer to maintain on
// every append.
import type { Migration } from '../migration-runner';

export const MIGRATION_0004: Migration = {
  version: 4,
  name: 'the global order is the primary key',
  statements: [
    'ALTER TABLE event_store_events DROP CONSTRAINT IF EXISTS event_store_events_pkey',
    'DROP INDEX IF EXISTS event_store_events_global_order_idx',
    'ALTER TABLE event_store_events ADD CONSTRAINT event_store_events_pkey PRIMARY KEY (transaction_id, global_position)',
  ],
};
