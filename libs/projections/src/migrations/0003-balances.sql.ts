// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// The balance read model: per workspace, the columns of the balance body plus the open grants
// (see balance.sql.ts). Idempotent: see version 1.
import type { Migration } from '@tally/event-store';

export const MIGRATION_0003: Migration = {
  version: 3,
  name: 'create balances',
  statements: [
    `
CREATE TABLE IF NOT EXISTS balances (
  workspace_id               text PRIMARY KEY,
  status                     text   NOT NULL,
  cycle                      text,
  period_start               text,
  period_end                 text,
  allocation_micro           bigint NOT NULL,
  allocation_remaining_micro bigint NOT NULL,
  rollover_micro             bigint NOT NULL,
  granted_micro              bigint NOT NULL,
  purchased_micro            bigint NOT NULL,
  overdraft_micro            bigint NOT NULL,
  used_this_period_micro     bigint NOT NULL,
  total_available_micro      bigint NOT NULL,
  grants                     jsonb  NOT NULL,
  position                   bigint NOT NULL,
  updated_at                 timestamptz NOT NULL
)`,
  ],
};
