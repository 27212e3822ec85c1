import {
  balanceOf,
  decodeCreditEvent,
  evolve,
  initialWorkspaceState,
  WorkspaceState,
} from '@tally/credits';
import {
  comparePositions,
  EventStore,
  Position,
  positionFromString,
  positionToString,
  RecordedEvent,
  SqlClient,
} from '@tally/event-store';
import { workspaceIdOfStream } from '@tally/ledger';
import {
  BalanceView,
  balanceViewOf,
  CREDIT_STREAM_PREFIX,
  LIVE_SCHEMA,
  ProjectionQueries,
} from '@tally/projections';
import { ChaosLimits } from './chaos.options';

export interface ProjectionMismatch {
  workspaceId: string;
  detail: string;
}

export interface ProjectionAudit {
  checkpoint: string | null;
  head: string;
  compared: number;
  mismatches: ProjectionMismatch[];
}

interface Replayed {
  state: WorkspaceState;
  position: bigint;
  createdAt: Date;
}

const balancePageSize = 1_000;

/**
 * The balance projection against a replay of each workspace's events (evolve, then balanceOf)
 * up to the projection's checkpoint, read in one REPEATABLE READ snapshot. The checkpoint must
 * also have reached the store's head: a projection that stopped early is a mismatch too.
 */
export async function auditProjection(
  store: EventStore,
  sql: SqlClient,
  workspaces: string[],
): Promise<ProjectionAudit> {
  const head = await store.headPosition();
  return sql.transaction(async (snapshot) => {
    await snapshot.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const rows = await snapshot.query<{ position: string | null }>(
      `SELECT position FROM ${LIVE_SCHEMA}.checkpoints WHERE projection = 'balance'`,
    );
    const checkpointText = rows[0]?.position ?? null;
    const checkpoint = checkpointText === null ? null : positionFromString(checkpointText);
    const audit: ProjectionAudit = {
      checkpoint: checkpointText,
      head: positionToString(head),
      compared: 0,
      mismatches: [],
    };
    if (checkpoint === null || comparePositions(checkpoint, head) < 0) {
      audit.mismatches.push({
        workspaceId: '*',
        detail: `balance checkpoint ${checkpointText ?? 'none'} is behind the store head ${positionToString(head)}`,
      });
    }
    const replayed =
      checkpoint === null ? new Map<string, Replayed>() : await replayUpTo(store, checkpoint);
    const queries = new ProjectionQueries(snapshot);
    const projectedIds = new Set<string>();
    let after = '';
    for (;;) {
      const page = await queries.balancePage(after, balancePageSize);
      for (const projected of page) {
        audit.compared += 1;
        projectedIds.add(projected.workspaceId);
        const difference = differenceOf(projected, replayed.get(projected.workspaceId));
        if (difference !== null)
          audit.mismatches.push({ workspaceId: projected.workspaceId, detail: difference });
      }
      const last = page[page.length - 1];
      if (!last || page.length < balancePageSize) break;
      after = last.workspaceId;
    }
    for (const workspaceId of new Set([...replayed.keys(), ...workspaces])) {
      if (!projectedIds.has(workspaceId))
        audit.mismatches.push({ workspaceId, detail: 'has events but no projected balance' });
    }
    return audit;
  });
}

async function replayUpTo(store: EventStore, checkpoint: Position): Promise<Map<string, Replayed>> {
  const replayed = new Map<string, Replayed>();
  let fromPosition: Position | undefined;
  for (;;) {
    const page: RecordedEvent[] = await store.readAll({
      ...(fromPosition ? { fromPosition } : {}),
      maxCount: ChaosLimits.readPageSize,
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
    if (!last || page.length < ChaosLimits.readPageSize) return replayed;
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
