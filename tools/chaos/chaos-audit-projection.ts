import { comparePositions, EventStore, positionToString, SqlClient } from '@tally/event-store';
import { reconcileBalances } from '@tally/projections';

export interface ProjectionMismatch {
  workspaceId: string;
  detail: string;
}

export interface ProjectionAudit {
  checkpoint: string | null;
  head: string;
  compared: number;
  mismatches: ProjectionMismatch[];
}

/**
 * The balance projection against a replay of each workspace's events (evolve, then balanceOf)
 * up to the projection's checkpoint, read in one REPEATABLE READ snapshot. The checkpoint must
 * also have reached the store's head: a projection that stopped early is a mismatch too.
 */
export async function auditProjection(
  store: EventStore,
  sql: SqlClient,
  workspaces: string[],
): Promise<ProjectionAudit> {
  const head = await store.lastCommittedPosition();
  const { checkpoint, compared, differences } = await reconcileBalances(store, sql, workspaces);
  const mismatches: ProjectionMismatch[] = [...differences];
  if (checkpoint === null || comparePositions(checkpoint, head) < 0) {
    mismatches.unshift({
      workspaceId: '*',
      detail: `balance checkpoint ${checkpoint === null ? 'none' : positionToString(checkpoint)} is behind the store head ${positionToString(head)}`,
    });
  }
  return {
    checkpoint: checkpoint === null ? null : positionToString(checkpoint),
    head: positionToString(head),
    compared,
    mismatches,
  };
}
