import { isInstant, WORKSPACE_ID_PATTERN } from '@tally/contracts';
import { evolve, initialWorkspaceState } from '@tally/credits';
import { decodeCreditEvent } from '@tally/ledger';
import { balanceOf } from '@tally/projections';
import { workspaceStreamName } from '@tally/ledger';
import { balanceViewOf } from '@tally/projections';
import type { ExitCode, OpsContext } from '../ops-context';

const pageSize = 1_000;

/** `balance-at <workspaceId> <timestamp>`: the balance as it stood then, replayed from the events recorded up to it. */
export async function balanceAtCommand(
  context: OpsContext,
  workspaceId: string,
  timestamp: string,
): Promise<ExitCode> {
  if (!WORKSPACE_ID_PATTERN.test(workspaceId) || !isInstant(timestamp)) {
    context.err('usage: balance-at <workspaceId> <ISO 8601 instant with a zone>\n');
    return 2;
  }
  const until = Date.parse(timestamp);
  let state = initialWorkspaceState(workspaceId);
  let position = 0n;
  let updatedAt: Date | null = null;
  let fromRevision: bigint | 'start' = 'start';
  for (let done = false; !done;) {
    const page = await context.store.readStream(workspaceStreamName(workspaceId), {
      fromRevision,
      maxCount: pageSize,
    });
    for (const recorded of page) {
      if (recorded.createdAt.getTime() > until) {
        done = true;
        break;
      }
      state = evolve(
        state,
        decodeCreditEvent({ type: recorded.type, data: recorded.data as Record<string, unknown> }),
      );
      position = recorded.position.prepare;
      updatedAt = recorded.createdAt;
    }
    const last = page[page.length - 1];
    if (!last || page.length < pageSize) done = true;
    else fromRevision = last.revision + 1n;
  }
  context.out(JSON.stringify(balanceViewOf(balanceOf(state), position, updatedAt), null, 2));
  return 0;
}
