// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// Usage per workspace, per UTC day of the action's occurredAt, per action kind. The rebuild
// drops and re-adds the primary key by its name, usage_daily_pkey. Idempotent: see version 1.
import type { Migration } from '@tally/event-store';

export const MIGRATION_0005: Migration = {
  version: 5,
  name: 'create usage_daily',
  statements: [
    `
CREATE TABLE IF NOT EXISTS usage_daily (
  workspace_id text   NOT NULL,
  day          date   NOT NULL,
  action_kind  text   NOT NULL,
  total_micro  bigint NOT NULL,
  action_count bigint NOT NULL,
  PRIMARY KEY (workspace_id, day, action_kind)
)`,
  ],
};
