// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// The ledger statement: one row per money movement, keyed by workspace and stream revision (see
// statement.sql.ts). The rebuild drops and re-adds the primary key by its name,
// statement_entries_pkey. Idempotent: see version 1.
import type { Migration } from '@tally/event-store';

export const MIGRATION_0006: Migration = {
  version: 6,
  name: 'create statement_entries',
  statements: [
    `
CREATE TABLE IF NOT EXISTS statement_entries (
  workspace_id text   NOT NULL,
  revision     bigint NOT NULL,
  direction    text   NOT NULL,
  amount_micro bigint NOT NULL,
  occurred_at  text   NOT NULL,
  CONSTRAINT statement_entries_pkey PRIMARY KEY (workspace_id, revision)
)`,
  ],
};
