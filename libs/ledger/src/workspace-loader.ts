import { evolve, initialWorkspaceState, WorkspaceState } from '@tally/credits';
import { decodeCreditEvent } from './credit-event.codec';
import { EventStore, RecordedEvent } from '@tally/event-store';
import { WorkspaceSnapshot, WorkspaceSnapshots } from './workspace-snapshots';
import { workspaceStreamName } from './workspace-stream';

/** A workspace's decided state and the stream revision it was built from (null: no stream). */
export interface LoadedWorkspace {
  state: WorkspaceState;
  revision: bigint | null;
  /** Revision of the newest stored snapshot of this workspace (null: none). */
  snapshotRevision: bigint | null;
}

const readPageSize = 500;
const readsConcurrentMax = 8;
const booksOpeningType = 'CreditPeriodOpened';

/**
 * Rebuilds one workspace from its stream, reading backwards only as far as the last
 * `CreditPeriodOpened`: that event carries the whole opening state, so a workspace loads in
 * one period's worth of events however old it is ("closing the books").
 */
export async function loadWorkspace(
  store: EventStore,
  workspaceId: string,
): Promise<LoadedWorkspace> {
  const streamName = workspaceStreamName(workspaceId);
  const newestFirst: RecordedEvent[] = [];
  let fromRevision: bigint | 'end' = 'end';
  for (;;) {
    const page = await store.readStream(streamName, {
      direction: 'backwards',
      fromRevision,
      maxCount: readPageSize,
    });
    const opening = page.findIndex((event) => event.type === booksOpeningType);
    newestFirst.push(...(opening >= 0 ? page.slice(0, opening + 1) : page));
    const oldest = page[page.length - 1];
    if (opening >= 0 || page.length < readPageSize || !oldest || oldest.revision === 0n) break;
    fromRevision = oldest.revision - 1n;
  }
  let state = initialWorkspaceState(workspaceId);
  for (let index = newestFirst.length - 1; index >= 0; index -= 1) {
    const recorded = newestFirst[index] as RecordedEvent;
    state = evolve(
      state,
      decodeCreditEvent({ type: recorded.type, data: recorded.data as Record<string, unknown> }),
    );
  }
  return { state, revision: newestFirst[0]?.revision ?? null, snapshotRevision: null };
}

/** Rebuilds a workspace from its snapshot and the events after it. */
async function loadFromSnapshot(
  store: EventStore,
  snapshot: WorkspaceSnapshot,
): Promise<LoadedWorkspace> {
  const later = await store.readStream(workspaceStreamName(snapshot.workspaceId), {
    fromRevision: snapshot.revision + 1n,
  });
  let state = snapshot.state;
  for (const recorded of later) {
    state = evolve(
      state,
      decodeCreditEvent({ type: recorded.type, data: recorded.data as Record<string, unknown> }),
    );
  }
  return {
    state,
    revision: later[later.length - 1]?.revision ?? snapshot.revision,
    snapshotRevision: snapshot.revision,
  };
}

/**
 * Loads several workspaces with a bounded number of reads in flight. One query first finds the
 * workspaces that have no stream yet (new customers, or a cold start on fresh traffic): those
 * start from the initial state without a read of their own. With snapshots, a workspace that
 * has one reads only the events after it; without a usable one (none, another version, unreadable:
 * see WorkspaceSnapshots.load), it is rebuilt from its events.
 */
export async function loadWorkspaces(
  store: EventStore,
  workspaceIds: string[],
  snapshots?: WorkspaceSnapshots,
): Promise<Map<string, LoadedWorkspace>> {
  const loaded = new Map<string, LoadedWorkspace>();
  if (workspaceIds.length === 0) return loaded;
  const stored = snapshots
    ? await snapshots.load(workspaceIds)
    : new Map<string, WorkspaceSnapshot>();
  const existing = await store.streamRevisions(workspaceIds.map(workspaceStreamName));
  const toRead: string[] = [];
  for (const workspaceId of workspaceIds) {
    if (existing.has(workspaceStreamName(workspaceId))) toRead.push(workspaceId);
    else
      loaded.set(workspaceId, {
        state: initialWorkspaceState(workspaceId),
        revision: null,
        snapshotRevision: null,
      });
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < toRead.length) {
      const workspaceId = toRead[next] as string;
      next += 1;
      // A snapshot past the stream's end (a database restored to an earlier point) describes
      // events that are not there: ignored like an unreadable one.
      const streamRevision = existing.get(workspaceStreamName(workspaceId)) ?? -1n;
      const found = stored.get(workspaceId);
      const snapshot = found && found.revision <= streamRevision ? found : undefined;
      loaded.set(
        workspaceId,
        snapshot
          ? await loadFromSnapshot(store, snapshot)
          : await loadWorkspace(store, workspaceId),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(readsConcurrentMax, toRead.length) }, worker));
  return loaded;
}
