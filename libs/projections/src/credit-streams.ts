import type { EventFilter } from '@tally/event-store';
import { workspaceStreamPrefix } from '@tally/ledger';

// What the projections read of the store: the workspaces' credit streams, as the ledger names them.

/** Every workspace's credit stream. */
export const CREDIT_STREAMS: EventFilter = Object.freeze({
  streamPrefixes: Object.freeze([workspaceStreamPrefix]) as string[],
});

/** In a range statement, the workspace id of the event `e`: the ledger's `workspaceIdOfStream`, in SQL. */
export const WORKSPACE_ID_OF_EVENT = `substr(e.stream_name, ${workspaceStreamPrefix.length + 1})`;

/** The credit events of these types. */
export function creditEventsOf(eventTypes: readonly string[]): EventFilter {
  return { ...CREDIT_STREAMS, eventTypes: [...eventTypes] };
}
