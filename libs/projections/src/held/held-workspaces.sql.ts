import {
  Position,
  positionFromString,
  positionToString,
  RecordedEvent,
  SqlClient,
} from '@tally/event-store';
import { HELD_ERROR_LENGTH_MAX } from '../projections.limits';

// Workspaces a projection holds back: one of their events could not be decoded or applied, so
// the projection stopped applying that workspace's events at `position` (the first event not
// applied) while every other workspace kept going. Rows change only under the projection's
// checkpoint lock, in the same statement as the ids on the checkpoint row, which are what the
// projector reads (see checkpoints.sql.ts). The table's DDL is frozen in ../migrations/.

export const HELD_WORKSPACES_TABLE = 'held_workspaces';

/** A workspace to hold back: the first of its events the projection does not apply, and why. */
export interface NewHold {
  workspaceId: string;
  recorded: RecordedEvent;
  error: string;
}

export interface HeldWorkspace {
  projection: string;
  workspaceId: string;
  /** The first event not applied. */
  position: Position;
  streamRevision: bigint;
  error: string;
  heldAt: Date;
  retriedAt: Date | null;
}

interface HeldRow {
  projection: string;
  workspace_id: string;
  position: string;
  stream_revision: string;
  error: string;
  held_at: Date | string;
  retried_at: Date | string | null;
}

const HELD_COLUMNS = `projection, workspace_id, position, stream_revision::text, error, held_at, retried_at`;

function heldOfRow(row: HeldRow): HeldWorkspace {
  return {
    projection: row.projection,
    workspaceId: row.workspace_id,
    position: positionFromString(row.position),
    streamRevision: BigInt(row.stream_revision),
    error: row.error,
    heldAt: new Date(row.held_at),
    retriedAt: row.retried_at === null ? null : new Date(row.retried_at),
  };
}

function boundedError(error: string): string {
  return error.length <= HELD_ERROR_LENGTH_MAX
    ? error
    : `${error.slice(0, HELD_ERROR_LENGTH_MAX)}…`;
}

/** Inserts holds (a workspace already held keeps its first hold). Caller holds the checkpoint lock. */
export async function insertHolds(
  sql: SqlClient,
  schema: string,
  projection: string,
  holds: readonly NewHold[],
): Promise<void> {
  if (holds.length === 0) return;
  await sql.query(
    `WITH inserted AS (
       INSERT INTO ${schema}.${HELD_WORKSPACES_TABLE} (projection, workspace_id, position, stream_revision, error)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[])
       ON CONFLICT (projection, workspace_id) DO NOTHING
     )
     UPDATE ${schema}.checkpoints
        SET held_workspace_ids = ARRAY(SELECT DISTINCT w FROM unnest(held_workspace_ids || $2::text[]) AS w ORDER BY w)
      WHERE projection = $1`,
    [
      projection,
      holds.map((hold) => hold.workspaceId),
      holds.map((hold) => positionToString(hold.recorded.position)),
      holds.map((hold) => hold.recorded.revision.toString()),
      holds.map((hold) => boundedError(hold.error)),
    ],
  );
}

/** Held workspaces, oldest hold first; all of them or one workspace's. */
export async function selectHeldWorkspaces(
  sql: SqlClient,
  schema: string,
  options: { workspaceId?: string; limit: number },
): Promise<HeldWorkspace[]> {
  const rows = await sql.query<HeldRow>(
    `SELECT ${HELD_COLUMNS} FROM ${schema}.${HELD_WORKSPACES_TABLE}
      WHERE $1::text IS NULL OR workspace_id = $1
      ORDER BY held_at, workspace_id, projection LIMIT $2`,
    [options.workspaceId ?? null, options.limit],
  );
  return rows.map(heldOfRow);
}

/** One hold as it is now: read after the checkpoint lock is granted, so it is current. */
export async function selectHold(
  sql: SqlClient,
  schema: string,
  projection: string,
  workspaceId: string,
): Promise<HeldWorkspace | null> {
  const [row] = await sql.query<HeldRow>(
    `SELECT ${HELD_COLUMNS} FROM ${schema}.${HELD_WORKSPACES_TABLE}
      WHERE projection = $1 AND workspace_id = $2`,
    [projection, workspaceId],
  );
  return row ? heldOfRow(row) : null;
}

/**
 * Releases holds of a projection (one workspace's, or every one when `workspaceId` is null),
 * rows and ids on the checkpoint row in one statement. Caller holds the checkpoint lock.
 */
export async function releaseHolds(
  sql: SqlClient,
  schema: string,
  projection: string,
  workspaceId: string | null,
): Promise<number> {
  const [row] = await sql.query<{ released: string }>(
    `WITH released AS (
       DELETE FROM ${schema}.${HELD_WORKSPACES_TABLE}
        WHERE projection = $1 AND ($2::text IS NULL OR workspace_id = $2) RETURNING 1
     ), ids AS (
       UPDATE ${schema}.checkpoints
          SET held_workspace_ids = CASE WHEN $2::text IS NULL THEN '{}' ELSE array_remove(held_workspace_ids, $2::text) END
        WHERE projection = $1 AND held_workspace_ids <> '{}' RETURNING 1
     )
     SELECT (SELECT count(*) FROM released)::text AS released`,
    [projection, workspaceId],
  );
  return Number(row?.released ?? 0);
}

/** A retry failed: the hold stays, with the new error. */
export async function recordRetryFailure(
  sql: SqlClient,
  schema: string,
  projection: string,
  workspaceId: string,
  error: string,
): Promise<void> {
  await sql.query(
    `UPDATE ${schema}.${HELD_WORKSPACES_TABLE} SET error = $3, retried_at = now()
      WHERE projection = $1 AND workspace_id = $2`,
    [projection, workspaceId, boundedError(error)],
  );
}

/** How many workspaces each projection holds back (projections holding none are absent). */
export async function countHeldWorkspaces(
  sql: SqlClient,
  schema: string,
): Promise<Map<string, number>> {
  const rows = await sql.query<{ projection: string; held: string }>(
    `SELECT projection, count(*)::text AS held FROM ${schema}.${HELD_WORKSPACES_TABLE} GROUP BY projection`,
  );
  return new Map(rows.map((row) => [row.projection, Number(row.held)]));
}
