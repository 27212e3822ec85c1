// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// The partitions a ledger consumer group waits on, each at a record batch it cannot decode (an
// unknown codec, corrupt bytes): written at every failed fetch, deleted once the partition moves
// past it, read by /health and `ops dlq stuck`; `ops dlq skip` sets skip_requested_at
// (stuck-partitions.ts, docs/ledger.md "Undecodable batches").
import type { Migration } from '@tally/event-store';

export const MIGRATION_0005: Migration = {
  version: 5,
  name: 'create tally_ledger_stuck_partitions',
  statements: [
    `
CREATE TABLE tally_ledger_stuck_partitions (
  group_id text NOT NULL, topic text NOT NULL, partition integer NOT NULL,
  first_offset bigint NOT NULL, last_offset bigint NOT NULL, codec text NOT NULL,
  error text NOT NULL, attempts integer NOT NULL, stuck_since timestamptz NOT NULL,
  last_attempt_at timestamptz NOT NULL, skip_requested_at timestamptz,
  PRIMARY KEY (group_id, topic, partition))`,
  ],
};
