import { assertNever, WORKSPACE_ID_PATTERN } from '@tally/contracts';
import { positionToString } from '@tally/event-store';
import {
  HELD_LISTED_MAX,
  HeldWorkspace,
  ProjectionQueries,
  projectionsNamed,
  retryHeldWorkspace,
  RetryOutcome,
} from '@tally/projections';
import type { ExitCode, OpsContext } from '../ops-context';

function heldLine(hold: HeldWorkspace): string {
  const retried = hold.retriedAt === null ? '' : `, last retried ${hold.retriedAt.toISOString()}`;
  return `${hold.projection.padEnd(10)} ${hold.workspaceId} from ${positionToString(hold.position)} (revision ${hold.streamRevision}) since ${hold.heldAt.toISOString()}${retried}: ${hold.error}`;
}

/** `projections held`: every held-back workspace, with where its projection stopped and why. */
export async function heldCommand(context: OpsContext): Promise<ExitCode> {
  const holds = await new ProjectionQueries(context.sql).heldWorkspaces({ limit: HELD_LISTED_MAX });
  for (const hold of holds) context.out(heldLine(hold));
  const workspaces = new Set(holds.map((hold) => hold.workspaceId)).size;
  const more = holds.length === HELD_LISTED_MAX ? ` (the first ${HELD_LISTED_MAX} shown)` : '';
  context.out(
    holds.length === 0
      ? 'no workspace is held back'
      : `${workspaces} workspace(s) held back, ${holds.length} hold(s)${more}; re-apply with: projections retry [workspaceId]`,
  );
  return 0;
}

function outcomeLine(hold: HeldWorkspace, outcome: RetryOutcome): string {
  const name = `${hold.projection} ${hold.workspaceId}`;
  switch (outcome.status) {
    case 'released':
      return `${name}: re-applied ${outcome.events} event(s) from ${positionToString(outcome.from)} up to the checkpoint ${positionToString(outcome.upTo)}, released`;
    case 'still-held':
      return `${name}: still held: ${outcome.error}`;
    case 'not-held':
      return `${name}: no longer held (released meanwhile)`;
    default:
      return assertNever(outcome, 'retry outcome');
  }
}

/**
 * `projections retry [workspaceId]`: re-applies each held workspace's events (one workspace's,
 * or every held one) up to its projection's checkpoint and releases the holds that succeed.
 * Exits 1 when a hold remains.
 */
export async function retryCommand(context: OpsContext, workspaceId?: string): Promise<ExitCode> {
  if (workspaceId !== undefined && !WORKSPACE_ID_PATTERN.test(workspaceId)) {
    context.err(`not a workspace id: ${workspaceId}\n`);
    return 2;
  }
  const holds = await new ProjectionQueries(context.sql).heldWorkspaces({
    ...(workspaceId === undefined ? {} : { workspaceId }),
    limit: HELD_LISTED_MAX,
  });
  if (holds.length === 0) {
    context.out(
      `nothing to retry: ${workspaceId === undefined ? 'no workspace is' : `workspace ${workspaceId} is not`} held back`,
    );
    return 0;
  }
  let released = 0;
  let events = 0;
  const stillHeld: string[] = [];
  for (const [index, hold] of holds.entries()) {
    const [projection] = projectionsNamed([hold.projection]);
    if (!projection) throw new Error(`assertion failed: unknown projection ${hold.projection}`);
    const outcome = await retryHeldWorkspace(context.sql, projection, hold.workspaceId);
    context.err(`[${index + 1}/${holds.length}] ${outcomeLine(hold, outcome)}\n`);
    if (outcome.status === 'released') {
      released += 1;
      events += outcome.events;
    } else if (outcome.status === 'still-held')
      stillHeld.push(`${hold.projection} ${hold.workspaceId}`);
  }
  context.out(
    `retried ${holds.length} hold(s): ${released} released (${events} event(s) re-applied), ${stillHeld.length} still held${stillHeld.length === 0 ? '' : ` (${stillHeld.join(', ')}; see projections held)`}`,
  );
  return stillHeld.length === 0 ? 0 : 1;
}
