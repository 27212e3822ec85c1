import { Position, positionFromString, positionToString, SqlClient } from '@tally/event-store';

// One row per projection: its checkpoint (`<commit>/<prepare>`, or null before the first event).
// The row is created with the tables so `lockCheckpoint` always finds it to lock.

export async function createCheckpointsTable(sql: SqlClient, schema: string): Promise<void> {
  await sql.query(`CREATE TABLE IF NOT EXISTS ${schema}.checkpoints (
    projection text PRIMARY KEY,
    position   text,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`);
}

export async function ensureCheckpointRow(
  sql: SqlClient,
  schema: string,
  projection: string,
): Promise<void> {
  await sql.query(
    `INSERT INTO ${schema}.checkpoints (projection, position) VALUES ($1, NULL) ON CONFLICT DO NOTHING`,
    [projection],
  );
}

/**
 * Reads and row-locks a checkpoint for the rest of the transaction (serialises writers and the
 * rebuild switch). `synchronousCommit: false` also sets `synchronous_commit = off` for the
 * transaction (SET LOCAL, in the same round trip).
 */
export async function lockCheckpoint(
  sql: SqlClient,
  schema: string,
  projection: string,
  options: { synchronousCommit?: boolean } = {},
): Promise<Position | null> {
  const setting = options.synchronousCommit === false ? `set_config('synchronous_commit', 'off', true), ` : '';
  const rows = await sql.query<{ position: string | null }>(
    `SELECT ${setting}position FROM ${schema}.checkpoints WHERE projection = $1 FOR UPDATE`,
    [projection],
  );
  const row = rows[0];
  if (!row)
    throw new Error(
      `assertion failed: no checkpoint row for projection "${projection}" in ${schema}`,
    );
  return row.position === null ? null : positionFromString(row.position);
}

export async function writeCheckpoint(
  sql: SqlClient,
  schema: string,
  projection: string,
  position: Position,
): Promise<void> {
  await sql.query(
    `UPDATE ${schema}.checkpoints SET position = $2, updated_at = now() WHERE projection = $1`,
    [projection, positionToString(position)],
  );
}

export interface CheckpointRow {
  projection: string;
  position: Position | null;
  updatedAt: Date;
}

export async function readCheckpoints(sql: SqlClient, schema: string): Promise<CheckpointRow[]> {
  const rows = await sql.query<{
    projection: string;
    position: string | null;
    updated_at: Date | string;
  }>(`SELECT projection, position, updated_at FROM ${schema}.checkpoints ORDER BY projection`);
  return rows.map((row) => ({
    projection: row.projection,
    position: row.position === null ? null : positionFromString(row.position),
    updatedAt: new Date(row.updated_at),
  }));
}
