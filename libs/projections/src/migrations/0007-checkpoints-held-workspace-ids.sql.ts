// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// A checkpoints table made before held-back workspaces gains their column. Version 1 already
// creates it, so this changes only a database made by that earlier code (and does nothing on
// any other).
import type { Migration } from '@tally/event-store';

export const MIGRATION_0007: Migration = {
  version: 7,
  name: 'checkpoints made before held-back workspaces gain held_workspace_ids',
  statements: [
    `ALTER TABLE checkpoints ADD COLUMN IF NOT EXISTS held_workspace_ids text[] NOT NULL DEFAULT '{}'`,
  ],
};
