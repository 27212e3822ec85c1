// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// Reservations (design section 6): the balance row keeps the live holds (the fold's state, as
// `grants` keeps the open grants) and their sum, which the total available already excludes.
import type { Migration } from '@tally/event-store';

export const MIGRATION_0009: Migration = {
  version: 9,
  name: 'balances keep live reservations and their sum',
  statements: [
    `
ALTER TABLE balances
  ADD COLUMN reserved_micro bigint NOT NULL DEFAULT 0,
  ADD COLUMN reservations jsonb NOT NULL DEFAULT '[]'`,
  ],
};
