import { Position, positionFromString, positionToString, SqlClient } from '@tally/event-store';

// One row per projection: its checkpoint (`<commit>/<prepare>`, or null before the first event).
// The row is created with the schema (createProjectionSchema) so `lockCheckpoint` always finds it
// to lock.
// `held_workspace_ids` are the workspaces the projection holds back (their details are in
// held_workspaces). They live on the checkpoint row so that the statement taking the row's
// lock reads them for free, and current: a SELECT … FOR UPDATE that waited for the lock
// returns the row's latest version, whereas a subquery on another table would still see the
// snapshot taken before the wait (and miss a hold that `projections retry` just released).
// The table's DDL is frozen in ../migrations/.

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

export interface LockedCheckpoint {
  position: Position | null;
  /** Workspaces whose events this projection skips until `projections retry` releases them. */
  held: ReadonlySet<string>;
}

/**
 * Reads and row-locks a checkpoint, with the projection's held-back workspaces, for the rest of
 * the transaction (serialises writers, retries and the rebuild switch). `synchronousCommit:
 * false` also sets `synchronous_commit = off` for the transaction (SET LOCAL, in the same round
 * trip).
 */
export async function lockCheckpointWithHolds(
  sql: SqlClient,
  schema: string,
  projection: string,
  options: { synchronousCommit?: boolean } = {},
): Promise<LockedCheckpoint> {
  const setting =
    options.synchronousCommit === false ? `set_config('synchronous_commit', 'off', true), ` : '';
  const rows = await sql.query<{ position: string | null; held_workspace_ids: string[] }>(
    `SELECT ${setting}position, held_workspace_ids FROM ${schema}.checkpoints WHERE projection = $1 FOR UPDATE`,
    [projection],
  );
  const row = rows[0];
  if (!row)
    throw new Error(
      `assertion failed: no checkpoint row for projection "${projection}" in ${schema}`,
    );
  return {
    position: row.position === null ? null : positionFromString(row.position),
    held: new Set(row.held_workspace_ids),
  };
}

/** `lockCheckpointWithHolds` for callers that only need the position. */
export async function lockCheckpoint(
  sql: SqlClient,
  schema: string,
  projection: string,
  options: { synchronousCommit?: boolean } = {},
): Promise<Position | null> {
  return (await lockCheckpointWithHolds(sql, schema, projection, options)).position;
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
