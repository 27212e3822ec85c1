import {
  comparePositions,
  firstCommittedEventAfter,
  Position,
  SqlClient,
  START,
} from '@tally/event-store';
import type { HeldWorkspace } from '../held/held-workspaces.sql';
import { workspaceStreamPrefix } from '@tally/ledger';
import { HELD_LISTED_MAX, LIVE_SCHEMA, PROJECTOR_STALL_AFTER_MS } from '../projections.limits';
import { HealthSnapshot, selectHealthSnapshot } from './projector-health.sql';

export interface ProjectorHealth {
  /** The lowest checkpoint (null: some projection has applied nothing yet). */
  lowestCheckpoint: Position | null;
  /**
   * Since when committed credit events have waited beyond the lowest checkpoint while it did
   * not move (null: nothing is waiting — an idle projector is healthy).
   */
  waitingSince: Date | null;
  /** Work has waited longer than the stall limit. */
  stalled: boolean;
  /** The held-back workspaces, oldest hold first (at most HELD_LISTED_MAX). */
  held: HeldWorkspace[];
  heldTotal: number;
}

/**
 * How the projector is doing, for `/health`: two small statements, one on the projections
 * schema and one index probe of the store for the first credit event after the lowest checkpoint.
 */
export async function readProjectorHealth(
  sql: SqlClient,
  options: { stallAfterMs?: number } = {},
): Promise<ProjectorHealth> {
  const snapshot = await selectHealthSnapshot(sql, LIVE_SCHEMA, HELD_LISTED_MAX);
  const lowest = lowestOf(snapshot.checkpoints);
  const waiting = await firstCommittedEventAfter(sql, lowest?.position ?? START, [
    workspaceStreamPrefix,
  ]);
  // Work waits since the later of: its first event was recorded, the checkpoint last moved.
  const waitingSince =
    waiting === null
      ? null
      : new Date(Math.max(waiting.createdAt.getTime(), lowest?.updatedAt.getTime() ?? 0));
  const stallAfterMs = options.stallAfterMs ?? PROJECTOR_STALL_AFTER_MS;
  return {
    lowestCheckpoint: lowest?.position ?? null,
    waitingSince,
    stalled:
      waitingSince !== null && snapshot.now.getTime() - waitingSince.getTime() > stallAfterMs,
    held: snapshot.held,
    heldTotal: snapshot.heldTotal,
  };
}

// The checkpoint furthest behind (one that has applied nothing counts as the start); among
// equal positions, the one that moved longest ago.
function lowestOf(
  checkpoints: HealthSnapshot['checkpoints'],
): { position: Position | null; updatedAt: Date } | null {
  let lowest: HealthSnapshot['checkpoints'][number] | null = null;
  for (const checkpoint of checkpoints) {
    if (lowest === null) {
      lowest = checkpoint;
      continue;
    }
    const order = comparePositions(checkpoint.position ?? START, lowest.position ?? START);
    if (order < 0 || (order === 0 && checkpoint.updatedAt < lowest.updatedAt)) lowest = checkpoint;
  }
  return lowest;
}
