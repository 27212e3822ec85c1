import { balanceOf, decodeCreditEvent, evolve, initialWorkspaceState, WorkspaceState } from '@tally/credits';
import {
  comparePositions,
  EventStore,
  Position,
  positionFromString,
  RecordedEvent,
  SqlClient,
} from '@tally/event-store';
import { workspaceIdOfStream } from '@tally/ledger';
import { ProjectionQueries } from '../projection-queries';
import { CREDIT_STREAM_PREFIX, LIVE_SCHEMA } from '../projections.limits';
import { BalanceView, balanceViewOf } from './balance.view';

export interface BalanceDifference {
  workspaceId: string;
  detail: string;
}

export interface BalanceReconciliation {
  /** The balance projection's checkpoint the replay stopped at (null: nothing projected yet). */
  checkpoint: Position | null;
  compared: number;
  differences: BalanceDifference[];
}

interface Replayed {
  state: WorkspaceState;
  position: bigint;
  createdAt: Date;
}

const readPageSize = 10_000;
const balancePageSize = 1_000;

/**
 * Replays every workspace from the events up to the balance projection's checkpoint and
 * compares the result with the projected rows, read in one REPEATABLE READ snapshot so the
 * checkpoint and the rows agree. `expectedWorkspaces` must all have a projected row. Holds one
 * state per workspace in memory. Used by `ops reconcile` and the chaos audit.
 */
export async function reconcileBalances(
  store: EventStore,
  sql: SqlClient,
  expectedWorkspaces: readonly string[] = [],
): Promise<BalanceReconciliation> {
  return sql.transaction(async (snapshot) => {
    await snapshot.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const rows = await snapshot.query<{ position: string | null }>(
      `SELECT position FROM ${LIVE_SCHEMA}.checkpoints WHERE projection = 'balance'`,
    );
    const checkpointText = rows[0]?.position ?? null;
    const checkpoint = checkpointText === null ? null : positionFromString(checkpointText);
    const replayed = checkpoint === null ? new Map<string, Replayed>() : await replayUpTo(store, checkpoint);
    const result: BalanceReconciliation = { checkpoint, compared: 0, differences: [] };
    const projectedIds = new Set<string>();
    const queries = new ProjectionQueries(snapshot);
    let after = '';
    for (;;) {
      const page = await queries.balancePage(after, balancePageSize);
      for (const projected of page) {
        result.compared += 1;
        projectedIds.add(projected.workspaceId);
        const detail = differenceOf(projected, replayed.get(projected.workspaceId));
        if (detail !== null) result.differences.push({ workspaceId: projected.workspaceId, detail });
      }
      const last = page[page.length - 1];
      if (!last || page.length < balancePageSize) break;
      after = last.workspaceId;
    }
    for (const workspaceId of new Set([...replayed.keys(), ...expectedWorkspaces])) {
      if (!projectedIds.has(workspaceId)) result.differences.push({ workspaceId, detail: 'has events but no projected balance' });
    }
    return result;
  });
}

async function replayUpTo(store: EventStore, checkpoint: Position): Promise<Map<string, Replayed>> {
  const replayed = new Map<string, Replayed>();
  let fromPosition: Position | undefined;
  for (;;) {
    const page: RecordedEvent[] = await store.readAll({
      ...(fromPosition ? { fromPosition } : {}),
      maxCount: readPageSize,
      filter: { streamPrefixes: [CREDIT_STREAM_PREFIX] },
    });
    for (const recorded of page) {
      if (comparePositions(recorded.position, checkpoint) > 0) return replayed;
      const workspaceId = workspaceIdOfStream(recorded.streamName);
      if (workspaceId === null) continue;
      const previous = replayed.get(workspaceId)?.state ?? initialWorkspaceState(workspaceId);
      const event = decodeCreditEvent({ type: recorded.type, data: recorded.data as Record<string, unknown> });
      replayed.set(workspaceId, { state: evolve(previous, event), position: recorded.position.prepare, createdAt: recorded.createdAt });
    }
    const last = page[page.length - 1];
    if (!last || page.length < readPageSize) return replayed;
    fromPosition = last.position;
  }
}

function differenceOf(projected: BalanceView, expected: Replayed | undefined): string | null {
  if (expected === undefined) return 'projected balance without events up to the checkpoint';
  const replayedView = balanceViewOf(balanceOf(expected.state), expected.position, expected.createdAt);
  const fields = (Object.keys(replayedView) as (keyof BalanceView)[]).filter(
    (field) => JSON.stringify(replayedView[field]) !== JSON.stringify(projected[field]),
  );
  if (fields.length === 0) return null;
  return fields
    .map((field) => `${field} projected ${JSON.stringify(projected[field])}, replayed ${JSON.stringify(replayedView[field])}`)
    .join('; ');
}
