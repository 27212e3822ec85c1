import { applyMigrations, MigrationSet, SqlClient } from '@tally/event-store';
import { MIGRATION_0001 } from './migrations/0001-workspace-snapshots.sql';
import { MIGRATION_0002 } from './migrations/0002-alert-checkpoints.sql';
import { MIGRATION_0003 } from './migrations/0003-leases.sql';
import { MIGRATION_0004 } from './migrations/0004-workspace-snapshots-state-version.sql';
import { MIGRATION_0005 } from './migrations/0005-stuck-partitions.sql';
import { MIGRATION_0006 } from './migrations/0006-reservations-and-deadlines.sql';

// Append-only: each version's SQL is frozen in its own file under migrations/; a change is a new
// version (docs/development.md, "Migrations"). The ledger's own tables beside the events: its
// workspace snapshots, the alert publisher's checkpoint and lease (apps/ledger), and the
// partitions its consumer group waits on at an undecodable batch; reservations as they are now
// and each workspace's next deadline.
export const LEDGER_MIGRATIONS: MigrationSet = {
  owner: 'ledger',
  migrations: [
    MIGRATION_0001,
    MIGRATION_0002,
    MIGRATION_0003,
    MIGRATION_0004,
    MIGRATION_0005,
    MIGRATION_0006,
  ],
  versionsTable: 'tally_ledger_schema_versions',
  advisoryLockKey: 7_401_604_003,
};

/** Applies the ledger's missing migrations (see applyMigrations). Returns the versions applied. */
export function migrateLedger(sql: SqlClient): Promise<number[]> {
  return applyMigrations(sql, LEDGER_MIGRATIONS);
}

const migratedClients = new WeakMap<SqlClient, Promise<number[]>>();

/**
 * `migrateLedger` once per client, for the users of the ledger's tables to await before their
 * first query (a start that already migrated makes it free). A failure is not remembered: the
 * next call tries again.
 */
export function ledgerMigrated(sql: SqlClient): Promise<number[]> {
  let migrated = migratedClients.get(sql);
  if (migrated === undefined) {
    migrated = migrateLedger(sql);
    migratedClients.set(sql, migrated);
    migrated.catch(() => migratedClients.delete(sql));
  }
  return migrated;
}
