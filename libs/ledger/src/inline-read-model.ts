import type { WorkspaceState } from '@tally/credits';
import type { BindParameter } from '@tally/event-store';

/** One workspace of an append: its state once the batch's events are applied. */
export interface InlineWorkspace {
  state: WorkspaceState;
  /** Its append's 1-based index, as in the store's `appended` rows (AlongsideWrites). */
  streamIndex: number;
}

/**
 * A per-workspace read model the ledger writes with the events, as parts of the append's one
 * statement (the store's AlongsideWrites): it commits with them or not at all, in no round trip
 * of its own. Each write must skip the workspaces whose append met already-stored events
 * (`duplicate_count` > 0: the state is then a guess) and may record the position it is as of
 * from `appended.last_position`.
 */
export interface InlineReadModel {
  writes(bind: BindParameter, workspaces: InlineWorkspace[]): string[];
}
