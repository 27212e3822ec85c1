// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// A snapshot records the version of the state encoding it was written with, and a load ignores
// any other (WORKSPACE_SNAPSHOT_VERSION in workspace-snapshots.ts). Snapshots taken before this
// version get 0: nobody knows which encoding wrote them, so they are read as old, ignored once
// and replaced by the next snapshot.
import type { Migration } from '@tally/event-store';

export const MIGRATION_0004: Migration = {
  version: 4,
  name: 'tally_workspace_snapshots record their state version',
  statements: [
    'ALTER TABLE tally_workspace_snapshots ADD COLUMN state_version integer NOT NULL DEFAULT 0',
  ],
};
