// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// Written by WorkspaceLedger in the transaction that appends the events they follow from
// (docs/reservations.md): every reservation as it is now, for the routes that answer with one
// (and `ops reservations`), and each workspace's next deadline — the soonest `expiresAt` of an
// open grant or a live reservation — which the deadline scheduler polls by `due_at`.
import type { Migration } from '@tally/event-store';

export const MIGRATION_0006: Migration = {
  version: 6,
  name: 'create tally_reservations and tally_workspace_deadlines',
  statements: [
    `
CREATE TABLE tally_reservations (
  workspace_id text NOT NULL, reservation_id text NOT NULL, status text NOT NULL,
  amount_micro bigint NOT NULL, spent_micro bigint NOT NULL, expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL, ended_at timestamptz,
  PRIMARY KEY (workspace_id, reservation_id))`,
    `
CREATE TABLE tally_workspace_deadlines (
  workspace_id text PRIMARY KEY, due_at timestamptz NOT NULL)`,
    `CREATE INDEX tally_workspace_deadlines_due_at ON tally_workspace_deadlines (due_at)`,
  ],
};
