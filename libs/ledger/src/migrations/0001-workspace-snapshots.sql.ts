// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// Versions 1–3 are the tables the code before the runner created on first use, so they stay
// idempotent (IF NOT EXISTS): a database it made already holds some or all of them.
// Snapshots of workspace states, a cache of the fold (see workspace-snapshots.ts).
import type { Migration } from '@tally/event-store';

export const MIGRATION_0001: Migration = {
  version: 1,
  name: 'create tally_workspace_snapshots',
  statements: [
    `
CREATE TABLE IF NOT EXISTS tally_workspace_snapshots (
  workspace_id text primary key, revision bigint not null, state jsonb not null,
  taken_at timestamptz not null)`,
  ],
};
