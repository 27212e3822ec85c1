import { comparePositions, Position, SqlClient } from '@tally/event-store';
import { lockCheckpointWithHolds, writeCheckpoint } from './checkpoints/checkpoints.sql';
import { insertHolds, NewHold } from './held/held-workspaces.sql';
import { applyIsolatingWorkspaces } from './held/isolate-workspaces';
import { isWorkspaceFailure } from './held/workspace-failure';
import type { Projection, ProjectedEvent, ProjectionTarget } from './projection';
import type { DecodedBatch } from './projection-batch';

/** What one projection did with a batch. */
export interface LiveBatchOutcome {
  /** Events new to the projection and applied. */
  applied: number;
  /** Workspaces held back by this batch. */
  held: NewHold[];
}

type Mode = 'together' | 'isolating';

const nothing: LiveBatchOutcome = { applied: 0, held: [] };

/**
 * The live projector's batch for one projection, in one transaction with its checkpoint, like
 * applyProjectionBatch, but one workspace's bad event never stops the others:
 * - events of a workspace the projection holds back are skipped (read with the checkpoint lock);
 * - an event that did not decode holds its workspace back from there on;
 * - when the batch's statements fail on the data, the batch is applied again in a fresh
 *   transaction that isolates workspaces (savepoints, bisecting), holds back the failing ones
 *   and applies the rest. A failure of the store itself (connection lost) is thrown as before:
 *   the subscription retries the batch.
 * The checkpoint moves to the batch's last event either way.
 */
export async function applyLiveBatch(
  sql: SqlClient,
  projection: Projection,
  target: ProjectionTarget,
  batch: DecodedBatch,
): Promise<LiveBatchOutcome> {
  if (batch.entries.length === 0) return nothing;
  try {
    return await sql.transaction((transaction) =>
      applyWithHolds(transaction, projection, target, batch, 'together'),
    );
  } catch (error) {
    if (!isWorkspaceFailure(error)) throw error;
    return sql.transaction((transaction) =>
      applyWithHolds(transaction, projection, target, batch, 'isolating'),
    );
  }
}

async function applyWithHolds(
  transaction: SqlClient,
  projection: Projection,
  target: ProjectionTarget,
  batch: DecodedBatch,
  mode: Mode,
): Promise<LiveBatchOutcome> {
  // Derived data with its checkpoint in the same transaction: a commit lost in a crash takes
  // its checkpoint with it, so the commit need not wait for the WAL flush.
  const { position: checkpoint, held } = await lockCheckpointWithHolds(
    transaction,
    target.schema,
    projection.name,
    { synchronousCommit: false },
  );
  const last = batch.entries[batch.entries.length - 1]?.recorded.position;
  if (!last || (checkpoint !== null && comparePositions(last, checkpoint) <= 0)) return nothing;
  const { fresh, holds } = freshEvents(batch, checkpoint, held);
  if (fresh.length > 0) {
    if (mode === 'together') await projection.apply(transaction, target, fresh);
    else {
      const failed = await applyIsolatingWorkspaces(transaction, projection, target, fresh);
      // A workspace whose applied events failed is held from its first event of the batch,
      // which comes before any event of it that did not decode.
      for (const hold of failed) holds.set(hold.workspaceId, hold);
    }
  }
  const newHolds = [...holds.values()];
  await insertHolds(transaction, target.schema, projection.name, newHolds);
  await writeCheckpoint(transaction, target.schema, projection.name, last);
  const notApplied = new Set(newHolds.map((hold) => hold.workspaceId));
  const applied =
    notApplied.size === 0
      ? fresh.length
      : fresh.filter((projected) => !notApplied.has(projected.workspaceId)).length;
  return { applied, held: newHolds };
}

/**
 * The events after the checkpoint of workspaces not held back, in order; a workspace's first
 * undecodable event after the checkpoint holds it back from there (its earlier events apply).
 */
function freshEvents(
  batch: DecodedBatch,
  checkpoint: Position | null,
  alreadyHeld: ReadonlySet<string>,
): { fresh: ProjectedEvent[]; holds: Map<string, NewHold> } {
  const fresh: ProjectedEvent[] = [];
  const holds = new Map<string, NewHold>();
  for (const entry of batch.entries) {
    if (checkpoint !== null && comparePositions(entry.recorded.position, checkpoint) <= 0) continue;
    if (alreadyHeld.size > 0 && alreadyHeld.has(entry.workspaceId)) continue;
    if (holds.size > 0 && holds.has(entry.workspaceId)) continue;
    if (entry.event === null) {
      holds.set(entry.workspaceId, {
        workspaceId: entry.workspaceId,
        recorded: entry.recorded,
        error: entry.error,
      });
    } else fresh.push(entry);
  }
  return { fresh, holds };
}
