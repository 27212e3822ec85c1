import {
  balanceOf,
  decodeCreditEvent,
  evolve,
  initialWorkspaceState,
  WorkspaceState,
} from '@tally/credits';
import {
  comparePositions,
  Position,
  positionFromString,
  positionToString,
  RecordedEvent,
} from '@tally/event-store';
import { workspaceIdOfStream } from '@tally/ledger';
import {
  BalanceView,
  balanceViewOf,
  CREDIT_STREAM_PREFIX,
  LIVE_SCHEMA,
  ProjectionQueries,
} from '@tally/projections';
import type { ExitCode, OpsContext } from '../ops-context';

const readPageSize = 10_000;
const balancePageSize = 1_000;
const differencesShownMax = 50;

interface Replayed {
  state: WorkspaceState;
  position: bigint;
  createdAt: Date;
}

/**
 * `reconcile`: replays every workspace from the events up to the balance projection's
 * checkpoint and compares the result with the projected rows, read in one REPEATABLE READ
 * snapshot so the checkpoint and rows agree. Exits 1 on any difference. Holds one state per
 * workspace in memory.
 */
export async function reconcileCommand(context: OpsContext): Promise<ExitCode> {
  const differences: string[] = [];
  let compared = 0;
  await context.sql.transaction(async (snapshot) => {
    await snapshot.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const rows = await snapshot.query<{ position: string | null }>(
      `SELECT position FROM ${LIVE_SCHEMA}.checkpoints WHERE projection = 'balance'`,
    );
    const checkpointText = rows[0]?.position ?? null;
    const checkpoint = checkpointText === null ? null : positionFromString(checkpointText);
    const replayed =
      checkpoint === null ? new Map<string, Replayed>() : await replayUpTo(context, checkpoint);
    const queries = new ProjectionQueries(snapshot);
    let after = '';
    for (;;) {
      const page = await queries.balancePage(after, balancePageSize);
      for (const projected of page) {
        compared += 1;
        const expected = replayed.get(projected.workspaceId);
        replayed.delete(projected.workspaceId);
        const difference = differenceOf(projected, expected);
        if (difference !== null) differences.push(`${projected.workspaceId}: ${difference}`);
      }
      const last = page[page.length - 1];
      if (!last || page.length < balancePageSize) break;
      after = last.workspaceId;
    }
    for (const workspaceId of replayed.keys())
      differences.push(`${workspaceId}: has events but no projected balance`);
    context.err(
      `checked ${compared} balances against a replay up to ${checkpoint === null ? 'the start' : positionToString(checkpoint)}\n`,
    );
  });
  for (const difference of differences.slice(0, differencesShownMax)) context.out(difference);
  if (differences.length > differencesShownMax)
    context.out(`… and ${differences.length - differencesShownMax} more`);
  context.out(
    differences.length === 0
      ? `reconciled: ${compared} balances match the events`
      : `${differences.length} difference(s)`,
  );
  return differences.length === 0 ? 0 : 1;
}

async function replayUpTo(
  context: OpsContext,
  checkpoint: Position,
): Promise<Map<string, Replayed>> {
  const replayed = new Map<string, Replayed>();
  let fromPosition: Position | undefined;
  for (;;) {
    const page: RecordedEvent[] = await context.store.readAll({
      ...(fromPosition ? { fromPosition } : {}),
      maxCount: readPageSize,
      filter: { streamPrefixes: [CREDIT_STREAM_PREFIX] },
    });
    for (const recorded of page) {
      if (comparePositions(recorded.position, checkpoint) > 0) return replayed;
      const workspaceId = workspaceIdOfStream(recorded.streamName);
      if (workspaceId === null) continue;
      const previous = replayed.get(workspaceId)?.state ?? initialWorkspaceState(workspaceId);
      const event = decodeCreditEvent({
        type: recorded.type,
        data: recorded.data as Record<string, unknown>,
      });
      replayed.set(workspaceId, {
        state: evolve(previous, event),
        position: recorded.position.prepare,
        createdAt: recorded.createdAt,
      });
    }
    const last = page[page.length - 1];
    if (!last || page.length < readPageSize) return replayed;
    fromPosition = last.position;
  }
}

function differenceOf(projected: BalanceView, expected: Replayed | undefined): string | null {
  if (expected === undefined) return 'projected balance without events up to the checkpoint';
  const replayedView = balanceViewOf(
    balanceOf(expected.state),
    expected.position,
    expected.createdAt,
  );
  const fields = (Object.keys(replayedView) as (keyof BalanceView)[]).filter(
    (field) => JSON.stringify(replayedView[field]) !== JSON.stringify(projected[field]),
  );
  if (fields.length === 0) return null;
  return fields
    .map(
      (field) =>
        `${field} projected ${JSON.stringify(projected[field])}, replayed ${JSON.stringify(replayedView[field])}`,
    )
    .join('; ');
}
