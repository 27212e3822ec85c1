import type { SqlClient } from '@tally/event-store';
import { createCheckpointsTable, ensureCheckpointRow } from './checkpoints/checkpoints.sql';
import { createHeldWorkspacesTable } from './held/held-workspaces.sql';
import type { Projection } from './projection';
import { LIVE_SCHEMA } from './projections.limits';
import { ALL_PROJECTIONS } from './projections.registry';

// Several processes (projector, billing API, ops) migrate at start; the advisory lock keeps
// concurrent CREATE ... IF NOT EXISTS from racing on the catalog.
const MIGRATION_LOCK_KEY = 'tally_projections_migrations';

/** Creates a schema's checkpoints and held-workspaces tables and the given projections' tables (idempotent). */
export async function createProjectionSchema(
  sql: SqlClient,
  schema: string,
  projections: readonly Projection[],
): Promise<void> {
  await sql.transaction(async (transaction) => {
    await transaction.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [MIGRATION_LOCK_KEY]);
    await transaction.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await createCheckpointsTable(transaction, schema);
    await createHeldWorkspacesTable(transaction, schema);
    for (const projection of projections) {
      await projection.createTables(transaction, schema);
      await ensureCheckpointRow(transaction, schema, projection.name);
    }
  });
}

/** The live read models every reader and the projector use. */
export async function migrateProjections(sql: SqlClient): Promise<void> {
  await createProjectionSchema(sql, LIVE_SCHEMA, ALL_PROJECTIONS);
}
