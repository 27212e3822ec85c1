import { applyMigrations, MigrationSet, SqlClient } from '@tally/event-store';
import { ensureCheckpointRow } from './checkpoints/checkpoints.sql';
import { MIGRATION_0001 } from './migrations/0001-checkpoints.sql';
import { MIGRATION_0002 } from './migrations/0002-held-workspaces.sql';
import { MIGRATION_0003 } from './migrations/0003-balances.sql';
import { MIGRATION_0004 } from './migrations/0004-rollover-periods.sql';
import { MIGRATION_0005 } from './migrations/0005-usage-daily.sql';
import { MIGRATION_0006 } from './migrations/0006-statement-entries.sql';
import { MIGRATION_0007 } from './migrations/0007-checkpoints-held-workspace-ids.sql';
import { MIGRATION_0008 } from './migrations/0008-statement-entries-without-event-copies.sql';
import { MIGRATION_0009 } from './migrations/0009-balances-reservations.sql';
import type { Projection } from './projection';
import { LIVE_SCHEMA } from './projections.limits';
import { ALL_PROJECTIONS } from './projections.registry';

// Append-only: each version's SQL is frozen in its own file under migrations/; a change is a new
// version (docs/development.md, "Migrations"). One sequence for the whole schema: every table of
// every projection, with the checkpoints and the held-back workspaces.
const PROJECTION_MIGRATIONS = [
  MIGRATION_0001,
  MIGRATION_0002,
  MIGRATION_0003,
  MIGRATION_0004,
  MIGRATION_0005,
  MIGRATION_0006,
  MIGRATION_0007,
  MIGRATION_0008,
  MIGRATION_0009,
];

/** The projections' migrations applied to one schema (the live one, or the rebuild's). */
export function projectionMigrationSet(schema: string): MigrationSet {
  return {
    owner: `projections (${schema})`,
    migrations: PROJECTION_MIGRATIONS,
    versionsTable: 'schema_versions',
    advisoryLockKey: 7_401_604_002,
    schema,
  };
}

/**
 * Brings a schema to the latest version (creating it when missing; several processes — projector,
 * billing API, ops — migrate at start, the runner's lock queues them) and gives each of the given
 * projections its checkpoint row, so `lockCheckpoint` always finds one to lock.
 */
export async function createProjectionSchema(
  sql: SqlClient,
  schema: string,
  projections: readonly Projection[],
): Promise<void> {
  await sql.transaction(async (transaction) => {
    await applyMigrations(transaction, projectionMigrationSet(schema));
    for (const projection of projections) {
      await ensureCheckpointRow(transaction, schema, projection.name);
    }
  });
}

/** The live read models every reader and the projector use. */
export async function migrateProjections(sql: SqlClient): Promise<void> {
  await createProjectionSchema(sql, LIVE_SCHEMA, ALL_PROJECTIONS);
}
