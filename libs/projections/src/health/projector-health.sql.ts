import { Position, positionFromString, SqlClient } from '@tally/event-store';
import { HELD_WORKSPACES_TABLE, HeldWorkspace } from '../held/held-workspaces.sql';

// Everything a health check asks of the projections schema, in one statement: the database's
// clock, every checkpoint with when it last moved, and the held-back workspaces (the first
// `heldListedMax`, oldest first, and how many there are).

export interface HealthSnapshot {
  now: Date;
  checkpoints: { projection: string; position: Position | null; updatedAt: Date }[];
  held: HeldWorkspace[];
  heldTotal: number;
}

interface HeldJson {
  projection: string;
  workspace_id: string;
  position: string;
  stream_revision: string;
  error: string;
  held_at: string;
  retried_at: string | null;
}

export async function selectHealthSnapshot(
  sql: SqlClient,
  schema: string,
  heldListedMax: number,
): Promise<HealthSnapshot> {
  const [row] = await sql.query<{
    now_ms: string;
    checkpoints: { projection: string; position: string | null; updated_at_ms: number }[];
    held_total: string;
    held: HeldJson[];
  }>(
    `SELECT (extract(epoch from now()) * 1000)::bigint::text AS now_ms,
       (SELECT coalesce(json_agg(json_build_object('projection', c.projection, 'position', c.position,
                 'updated_at_ms', (extract(epoch from c.updated_at) * 1000)::bigint) ORDER BY c.projection), '[]'::json)
          FROM ${schema}.checkpoints c) AS checkpoints,
       (SELECT count(*) FROM ${schema}.${HELD_WORKSPACES_TABLE})::text AS held_total,
       (SELECT coalesce(json_agg(h ORDER BY h.held_at, h.workspace_id, h.projection), '[]'::json)
          FROM (SELECT projection, workspace_id, position, stream_revision::text AS stream_revision,
                       error, held_at, retried_at
                  FROM ${schema}.${HELD_WORKSPACES_TABLE}
                 ORDER BY held_at, workspace_id, projection LIMIT $1) h) AS held`,
    [heldListedMax],
  );
  if (!row) throw new Error('assertion failed: the health statement returned no row');
  return {
    now: new Date(Number(row.now_ms)),
    checkpoints: row.checkpoints.map((checkpoint) => ({
      projection: checkpoint.projection,
      position: checkpoint.position === null ? null : positionFromString(checkpoint.position),
      updatedAt: new Date(Number(checkpoint.updated_at_ms)),
    })),
    held: row.held.map((held) => ({
      projection: held.projection,
      workspaceId: held.workspace_id,
      position: positionFromString(held.position),
      streamRevision: BigInt(held.stream_revision),
      error: held.error,
      heldAt: new Date(held.held_at),
      retriedAt: held.retried_at === null ? null : new Date(held.retried_at),
    })),
    heldTotal: Number(row.held_total),
  };
}
