// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// Workspaces a projection holds back (see held-workspaces.sql.ts). Idempotent: see version 1.
import type { Migration } from '@tally/event-store';

export const MIGRATION_0002: Migration = {
  version: 2,
  name: 'create held_workspaces',
  statements: [
    `
CREATE TABLE IF NOT EXISTS held_workspaces (
  projection      text        NOT NULL,
  workspace_id    text        NOT NULL,
  position        text        NOT NULL,
  stream_revision bigint      NOT NULL,
  error           text        NOT NULL,
  held_at         timestamptz NOT NULL DEFAULT now(),
  retried_at      timestamptz,
  PRIMARY KEY (projection, workspace_id)
)`,
  ],
};
