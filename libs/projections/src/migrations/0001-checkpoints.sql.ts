// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// Versions 1–8 are the schema the code before the runner made with idempotent DDL on every
// start, so they stay idempotent (IF NOT EXISTS): a database it made already holds some or all
// of it. Names are unqualified: the runner sets the search_path to the schema being migrated
// (the live one, or the rebuild's fresh one).
// One row per projection: its checkpoint (`<commit>/<prepare>`, or null before the first
// event), and the workspaces it holds back (see checkpoints.sql.ts).
import type { Migration } from '@tally/event-store';

export const MIGRATION_0001: Migration = {
  version: 1,
  name: 'create checkpoints',
  statements: [
    `
CREATE TABLE IF NOT EXISTS checkpoints (
  projection         text PRIMARY KEY,
  position           text,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  held_workspace_ids text[] NOT NULL DEFAULT '{}'
)`,
  ],
};
