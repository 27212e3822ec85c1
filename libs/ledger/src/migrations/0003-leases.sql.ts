// Frozen: a released migration is never edited (docs/development.md, "Migrations").
// Named leases, so that one ledger instance at a time publishes alerts
// (apps/ledger/src/publish-alerts/lease.ts). Idempotent: see version 1.
import type { Migration } from '@tally/event-store';

export const MIGRATION_0003: Migration = {
  version: 3,
  name: 'create tally_leases',
  statements: [
    `
CREATE TABLE IF NOT EXISTS tally_leases (
  name text primary key, holder text not null, expires_at timestamptz not null)`,
  ],
};
