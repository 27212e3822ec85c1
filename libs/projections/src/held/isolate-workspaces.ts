import type { SqlClient } from '@tally/event-store';
import type { Projection, ProjectedEvent, ProjectionTarget } from '../projection';
import type { NewHold } from './held-workspaces.sql';
import { failureMessage, isWorkspaceFailure } from './workspace-failure';

const SAVEPOINT = 'tally_isolate_workspaces';

/** Thrown when every workspace of a batch fails: that is not about one workspace. */
export class WholeBatchFailedError extends Error {
  constructor(workspaces: number, cause: unknown) {
    super(
      `every one of the ${workspaces} workspaces of the batch failed, so the failure is not about one workspace: ${failureMessage(cause)}`,
    );
    this.name = 'WholeBatchFailedError';
  }
}

/**
 * Applies a batch that failed as a whole, isolating workspaces inside the caller's transaction:
 * a group of workspaces is applied under a savepoint; a failing group is rolled back and split
 * in two, down to single workspaces, which are held back. With one bad workspace among W that
 * is about 2·log2(W) applications instead of W. Returns the holds; throws when the store
 * fails (the savepoint cannot be rolled back, or the error is not about the data) or when
 * every workspace of a batch of several fails.
 */
export async function applyIsolatingWorkspaces(
  transaction: SqlClient,
  projection: Projection,
  target: ProjectionTarget,
  events: ProjectedEvent[],
): Promise<NewHold[]> {
  const byWorkspace = new Map<string, ProjectedEvent[]>();
  for (const projected of events) {
    const own = byWorkspace.get(projected.workspaceId);
    if (own) own.push(projected);
    else byWorkspace.set(projected.workspaceId, [projected]);
  }
  const holds: NewHold[] = [];
  let lastFailure: unknown;
  const applyGroup = async (workspaceIds: string[], knownToFail: boolean): Promise<void> => {
    const only = workspaceIds.length === 1 ? workspaceIds[0] : undefined;
    if (!knownToFail || only !== undefined) {
      const members = new Set(workspaceIds);
      const group = events.filter((projected) => members.has(projected.workspaceId));
      const failure = await attempt(transaction, () =>
        projection.apply(transaction, target, group),
      );
      if (failure === null) return;
      lastFailure = failure;
      const first = only === undefined ? undefined : byWorkspace.get(only)?.[0];
      if (only !== undefined && first) {
        holds.push({ workspaceId: only, recorded: first.recorded, error: failureMessage(failure) });
        return;
      }
    }
    const middle = Math.ceil(workspaceIds.length / 2);
    await applyGroup(workspaceIds.slice(0, middle), false);
    await applyGroup(workspaceIds.slice(middle), false);
  };
  // The whole batch just failed in the caller's first transaction: start by splitting it.
  await applyGroup([...byWorkspace.keys()], true);
  if (byWorkspace.size > 1 && holds.length === byWorkspace.size)
    throw new WholeBatchFailedError(byWorkspace.size, lastFailure);
  return holds;
}

/** Runs `work` under a savepoint: null when it succeeded, its error when it failed on the data. */
async function attempt(transaction: SqlClient, work: () => Promise<void>): Promise<unknown> {
  await transaction.query(`SAVEPOINT ${SAVEPOINT}`);
  try {
    await work();
  } catch (error) {
    // If the connection is gone, this throws too, and the store's failure goes up.
    await transaction.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
    await transaction.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    if (!isWorkspaceFailure(error)) throw error;
    return error;
  }
  await transaction.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
  return null;
}
