import {
  comparePositions,
  EventStore,
  Position,
  SqlClient,
  SqlEventStore,
} from '@tally/event-store';
import { workspaceStreamName } from '@tally/ledger';
import { lockCheckpoint } from '../checkpoints/checkpoints.sql';
import type { Projection, ProjectedEvent } from '../projection';
import { decodeBatch } from '../projection-batch';
import { LIVE_SCHEMA, PROJECTOR_BATCH_SIZE_MAX } from '../projections.limits';
import { recordRetryFailure, releaseHolds, selectHold } from './held-workspaces.sql';
import { failureMessage, isWorkspaceFailure } from './workspace-failure';

export type RetryOutcome =
  | { status: 'released'; events: number; from: Position; upTo: Position }
  | { status: 'still-held'; error: string }
  | { status: 'not-held' };

/**
 * Re-applies a held-back workspace's events to one projection, from the first event not applied
 * up to the projection's checkpoint, and releases the hold — all in one transaction under the
 * checkpoint's row lock, so the live projector waits and then carries on with the workspace's
 * later events. The events are read through the store's `readStream`, on the transaction's own
 * connection (the embedded database has only one: a read beside the open transaction would
 * wait for it forever). When they still fail on the data, nothing is applied and the hold stays
 * with the new error; a failure of the store itself is thrown and changes nothing.
 */
export async function retryHeldWorkspace(
  sql: SqlClient,
  projection: Projection,
  workspaceId: string,
): Promise<RetryOutcome> {
  try {
    return await sql.transaction(async (transaction): Promise<RetryOutcome> => {
      const checkpoint = await lockCheckpoint(transaction, LIVE_SCHEMA, projection.name);
      const hold = await selectHold(transaction, LIVE_SCHEMA, projection.name, workspaceId);
      if (!hold) return { status: 'not-held' };
      if (checkpoint === null || comparePositions(hold.position, checkpoint) > 0)
        throw new Error(
          `assertion failed: ${projection.name} holds ${workspaceId} from a position past its checkpoint`,
        );
      const store = new SqlEventStore(transaction);
      const events = await reapply(store, transaction, projection, workspaceId, {
        fromRevision: hold.streamRevision,
        upTo: checkpoint,
      });
      await releaseHolds(transaction, LIVE_SCHEMA, projection.name, workspaceId);
      return { status: 'released', events, from: hold.position, upTo: checkpoint };
    });
  } catch (error) {
    if (!isWorkspaceFailure(error)) throw error;
    const message = failureMessage(error);
    await recordRetryFailure(sql, LIVE_SCHEMA, projection.name, workspaceId, message);
    return { status: 'still-held', error: message };
  }
}

// Reads the stream page by page from the held revision and applies each page's events at or
// before the checkpoint (the later ones are the live projector's, once the hold is released).
async function reapply(
  store: EventStore,
  transaction: SqlClient,
  projection: Projection,
  workspaceId: string,
  range: { fromRevision: bigint; upTo: Position },
): Promise<number> {
  const target = { schema: LIVE_SCHEMA, notify: true };
  let fromRevision = range.fromRevision;
  let applied = 0;
  for (;;) {
    const page = await store.readStream(workspaceStreamName(workspaceId), {
      fromRevision,
      maxCount: PROJECTOR_BATCH_SIZE_MAX,
    });
    const within = page.filter((recorded) => comparePositions(recorded.position, range.upTo) <= 0);
    const events: ProjectedEvent[] = decodeBatch(within);
    if (events.length > 0) await projection.apply(transaction, target, events);
    applied += events.length;
    const last = page[page.length - 1];
    if (!last || page.length < PROJECTOR_BATCH_SIZE_MAX || within.length < page.length)
      return applied;
    fromRevision = last.revision + 1n;
  }
}
