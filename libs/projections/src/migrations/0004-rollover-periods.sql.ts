// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// One row per closed period, keyed by (workspace, period start). Idempotent: see version 1.
import type { Migration } from '@tally/event-store';

export const MIGRATION_0004: Migration = {
  version: 4,
  name: 'create rollover_periods',
  statements: [
    `
CREATE TABLE IF NOT EXISTS rollover_periods (
  workspace_id             text   NOT NULL,
  period_start             text   NOT NULL,
  period_end               text   NOT NULL,
  cycle                    text   NOT NULL,
  allocation_micro         bigint NOT NULL,
  used_micro               bigint NOT NULL,
  unused_micro             bigint NOT NULL,
  rolled_over_micro        bigint NOT NULL,
  expired_micro            bigint NOT NULL,
  overdraft_forgiven_micro bigint NOT NULL,
  position                 bigint NOT NULL,
  PRIMARY KEY (workspace_id, period_start)
)`,
  ],
};
