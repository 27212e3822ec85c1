import { applyMigrations, MigrationSet } from './migration-runner';
import { MIGRATION_0001 } from './migrations/0001-streams-and-events.sql';
import { MIGRATION_0002 } from './migrations/0002-append-function.sql';
import { MIGRATION_0003 } from './migrations/0003-append-rejects-duplicates.sql';
import { MIGRATION_0004 } from './migrations/0004-global-order-primary-key.sql';
import { MIGRATION_0005 } from './migrations/0005-append-from-document.sql';
import { MIGRATION_0006 } from './migrations/0006-lock-streams-function.sql';
import { MIGRATION_0007 } from './migrations/0007-append-returns-last-position.sql';
import { MIGRATION_0008 } from './migrations/0008-append-holding-a-stream.sql';
import type { SqlClient } from './sql-client.port';

// Append-only: each version's SQL is frozen in its own file under migrations/; a change is a new
// version (docs/development.md, "Migrations"). Versions 1–5 are those the runner before
// checksums applied; it recorded them in the same table, which this runner adopts.
export const EVENT_STORE_MIGRATIONS: MigrationSet = {
  owner: 'event store',
  migrations: [
    MIGRATION_0001,
    MIGRATION_0002,
    MIGRATION_0003,
    MIGRATION_0004,
    MIGRATION_0005,
    MIGRATION_0006,
    MIGRATION_0007,
    MIGRATION_0008,
  ],
  versionsTable: 'event_store_schema_versions',
  advisoryLockKey: 7_401_604_001,
};

/** Applies the store's missing migrations (see applyMigrations). Returns the versions applied. */
export function migrateEventStore(sql: SqlClient): Promise<number[]> {
  return applyMigrations(sql, EVENT_STORE_MIGRATIONS);
}
