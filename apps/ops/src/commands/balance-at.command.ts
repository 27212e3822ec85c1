import { isInstant, WORKSPACE_ID_PATTERN } from '@tally/contracts';
import { initialWorkspaceState } from '@tally/credits';
import { balanceOf, balanceViewOf, replayBalance } from '@tally/projections';
import type { ExitCode, OpsContext } from '../ops-context';

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
  const replayed = await replayBalance(
    context.store,
    workspaceId,
    (recorded) => recorded.createdAt.getTime() <= until,
  );
  const balance = balanceOf(replayed?.state ?? initialWorkspaceState(workspaceId));
  const view = balanceViewOf(balance, replayed?.position ?? 0n, replayed?.updatedAt ?? null);
  context.out(JSON.stringify(view, null, 2));
  return 0;
}
