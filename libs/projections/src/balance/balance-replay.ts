import { evolve, initialWorkspaceState } from '@tally/credits';
import type { EventStore, RecordedEvent } from '@tally/event-store';
import { decodeCreditEvent, workspaceStreamName } from '@tally/ledger';
import type { BalanceUpsert } from './balance.sql';

const STREAM_PAGE_SIZE = 5_000;

/**
 * One workspace's balance replayed from its stream with the domain's `evolve`: its events in
 * order, read in pages, up to the first that `within` refuses. Undefined when none was folded.
 * What `balance-at` shows and what `reconcile` checks a row written inline against.
 */
export async function replayBalance(
  store: EventStore,
  workspaceId: string,
  within: (recorded: RecordedEvent) => boolean,
): Promise<BalanceUpsert | undefined> {
  let replayed: BalanceUpsert | undefined;
  let fromRevision = 0n;
  for (;;) {
    const page = await store.readStream(workspaceStreamName(workspaceId), {
      fromRevision,
      maxCount: STREAM_PAGE_SIZE,
    });
    for (const recorded of page) {
      if (!within(recorded)) return replayed;
      const event = decodeCreditEvent({
        type: recorded.type,
        data: recorded.data as Record<string, unknown>,
      });
      replayed = {
        state: evolve(replayed?.state ?? initialWorkspaceState(workspaceId), event),
        position: recorded.position.prepare,
        updatedAt: recorded.createdAt,
      };
    }
    const last = page[page.length - 1];
    if (!last || page.length < STREAM_PAGE_SIZE) return replayed;
    fromRevision = last.revision + 1n;
  }
}
