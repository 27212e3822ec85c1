import { CreditEvent } from '@tally/credits';
import { decodeCreditEvent } from '@tally/ledger';
import { comparePositions, RecordedEvent, SqlClient } from '@tally/event-store';
import { workspaceIdOfStream } from '@tally/ledger';
import { lockCheckpoint, writeCheckpoint } from './checkpoints/checkpoints.sql';
import { failureMessage } from './held/workspace-failure';
import type { Projection, ProjectedEvent, ProjectionTarget, UndecodableEvent } from './projection';

function decodeRecorded(recorded: RecordedEvent): CreditEvent {
  return decodeCreditEvent({
    type: recorded.type,
    data: recorded.data as Record<string, unknown>,
  });
}

/** Decodes a batch once for every projection; events of other streams are left out. Throws on an event it cannot decode. */
export function decodeBatch(events: RecordedEvent[]): ProjectedEvent[] {
  const decoded: ProjectedEvent[] = [];
  for (const recorded of events) {
    const workspaceId = workspaceIdOfStream(recorded.streamName);
    if (workspaceId === null) continue;
    decoded.push({ recorded, event: decodeRecorded(recorded), workspaceId });
  }
  return decoded;
}

/** A batch decoded for the live projector: an event that does not decode is kept, with why. */
export interface DecodedBatch {
  entries: (ProjectedEvent | UndecodableEvent)[];
}

/** `decodeBatch` that never throws: each event the codec refuses becomes an UndecodableEvent. */
export function decodeBatchHoldingBack(events: RecordedEvent[]): DecodedBatch {
  const entries: (ProjectedEvent | UndecodableEvent)[] = [];
  for (const recorded of events) {
    const workspaceId = workspaceIdOfStream(recorded.streamName);
    if (workspaceId === null) continue;
    try {
      entries.push({ recorded, event: decodeRecorded(recorded), workspaceId });
    } catch (error) {
      entries.push({ recorded, event: null, workspaceId, error: failureMessage(error) });
    }
  }
  return { entries };
}

/**
 * Applies a batch to one projection in one transaction with its checkpoint: the checkpoint row
 * is locked first, events at or before it are skipped (replay is a no-op), and it moves to the
 * batch's last position. Returns how many events were new to the projection. Any failure fails
 * the whole batch (the rebuild's catch-up; the live projector uses applyLiveBatch).
 */
export async function applyProjectionBatch(
  sql: SqlClient,
  projection: Projection,
  target: ProjectionTarget,
  events: ProjectedEvent[],
): Promise<number> {
  if (events.length === 0) return 0;
  return sql.transaction(async (transaction) => {
    // Read models are derived data with their checkpoint in the same transaction: if a crash
    // loses the last commits, the checkpoint goes back with them and the events are applied
    // again. So the commit need not wait for the WAL flush.
    const checkpoint = await lockCheckpoint(transaction, target.schema, projection.name, {
      synchronousCommit: false,
    });
    const fresh =
      checkpoint === null
        ? events
        : events.filter(
            (projected) => comparePositions(projected.recorded.position, checkpoint) > 0,
          );
    const last = fresh[fresh.length - 1];
    if (!last) return 0;
    await projection.apply(transaction, target, fresh);
    await writeCheckpoint(transaction, target.schema, projection.name, last.recorded.position);
    return fresh.length;
  });
}
