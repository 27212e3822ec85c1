import { positionToString } from '@tally/event-store';
import { reconcileBalances } from '@tally/projections';
import type { ExitCode, OpsContext } from '../ops-context';

const differencesShownMax = 50;

/**
 * `reconcile`: folds every workspace's events up to the balance projection's checkpoint (as the
 * rebuild does) and compares the result with the projected rows (a row written inline past the
 * checkpoint with its own stream up to the row), read in one REPEATABLE READ snapshot so the
 * checkpoint and rows agree (reconcileBalances). Prints each difference (at most
 * differencesShownMax), then one line saying what was compared and what differed; exits 1 on
 * any difference. Holds one state per workspace in memory.
 */
export async function reconcileCommand(context: OpsContext): Promise<ExitCode> {
  const started = performance.now();
  const { checkpoint, events, compared, aheadOfCheckpoint, differences } = await reconcileBalances(
    context.store,
    context.sql,
  );
  for (const difference of differences.slice(0, differencesShownMax)) {
    context.out(`${difference.workspaceId}: ${difference.detail}`);
  }
  if (differences.length > differencesShownMax)
    context.out(`… and ${differences.length - differencesShownMax} more`);
  const seconds = ((performance.now() - started) / 1_000).toFixed(2);
  context.out(
    `reconciled ${compared} workspace balance(s) against ${events} event(s) up to ` +
      `${checkpoint === null ? 'the start' : positionToString(checkpoint)}` +
      (aheadOfCheckpoint === 0
        ? ''
        : ` (${aheadOfCheckpoint} written inline past it, each against its own stream)`) +
      ': ' +
      `${differences.length === 0 ? 'no differences' : `${differences.length} difference(s)`} (${seconds} s)`,
  );
  return differences.length === 0 ? 0 : 1;
}
