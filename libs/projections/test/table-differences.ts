import type { SqlClient } from '@tally/event-store';
import { ALL_PROJECTIONS, LIVE_SCHEMA } from '@tally/projections';

// Test support: copies of the live tables, and how many rows differ from them later (both
// directions, duplicates counted), so a rebuild can be held to byte-identical tables.

const projectionTables = ALL_PROJECTIONS.flatMap((projection) => projection.tables);

export async function copyLiveTables(sql: SqlClient, schema: string): Promise<void> {
  await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await sql.query(`CREATE SCHEMA ${schema}`);
  for (const table of projectionTables) {
    await sql.query(`CREATE TABLE ${schema}.${table} AS SELECT * FROM ${LIVE_SCHEMA}.${table}`);
  }
}

export async function rowsDifferingFromLive(
  sql: SqlClient,
  schema: string,
): Promise<Record<string, number>> {
  const differing: Record<string, number> = {};
  for (const table of projectionTables) {
    const [row] = await sql.query<{ differing: string }>(
      `SELECT count(*)::text AS differing FROM (
         (SELECT * FROM ${schema}.${table} EXCEPT ALL SELECT * FROM ${LIVE_SCHEMA}.${table})
         UNION ALL (SELECT * FROM ${LIVE_SCHEMA}.${table} EXCEPT ALL SELECT * FROM ${schema}.${table})) d`,
    );
    differing[table] = Number(row?.differing);
  }
  return differing;
}
