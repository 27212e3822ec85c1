// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// Named read positions beside the events: the balance-alert publisher's checkpoint
// (apps/ledger/src/publish-alerts/checkpoint-store.ts). Idempotent: see version 1.
import type { Migration } from '@tally/event-store';

export const MIGRATION_0002: Migration = {
  version: 2,
  name: 'create tally_checkpoints',
  statements: [
    `
CREATE TABLE IF NOT EXISTS tally_checkpoints (
  name text primary key, position text not null, updated_at timestamptz not null)`,
  ],
};
