// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// A statement table made by the version that copied every event's JSON into its row loses the
// columns now read from the event store (that copy weighed as much as the event log and cost
// the pipeline a quarter of its throughput, docs/benchmarks.md). Version 6 creates the table
// without them, so this changes only a database made by that earlier code.
import type { Migration } from '@tally/event-store';

export const MIGRATION_0008: Migration = {
  version: 8,
  name: 'statement_entries made by the copying version lose the copied event columns',
  statements: [
    `
ALTER TABLE statement_entries
  DROP COLUMN IF EXISTS event_id, DROP COLUMN IF EXISTS position, DROP COLUMN IF EXISTS event_type,
  DROP COLUMN IF EXISTS recorded_at, DROP COLUMN IF EXISTS data`,
  ],
};
