import { positionToString } from '@tally/event-store';
import { reconcileBalances } from '@tally/projections';
import type { ExitCode, OpsContext } from '../ops-context';

const differencesShownMax = 50;

/**
 * `reconcile`: replays every workspace from the events up to the balance projection's
 * checkpoint and compares the result with the projected rows, read in one REPEATABLE READ
 * snapshot so the checkpoint and rows agree. Exits 1 on any difference. Holds one state per
 * workspace in memory.
 */
export async function reconcileCommand(context: OpsContext): Promise<ExitCode> {
  const { checkpoint, compared, differences } = await reconcileBalances(context.store, context.sql);
  context.err(
    `checked ${compared} balances against a replay up to ${checkpoint === null ? 'the start' : positionToString(checkpoint)}\n`,
  );
  for (const difference of differences.slice(0, differencesShownMax)) {
    context.out(`${difference.workspaceId}: ${difference.detail}`);
  }
  if (differences.length > differencesShownMax) context.out(`… and ${differences.length - differencesShownMax} more`);
  context.out(
    differences.length === 0 ? `reconciled: ${compared} balances match the events` : `${differences.length} difference(s)`,
  );
  return differences.length === 0 ? 0 : 1;
}
