import { balanceOf } from './balance.body';
import { EventStore, Position, positionFromString, SqlClient, START } from '@tally/event-store';
import { CREDIT_STREAMS } from '../credit-streams';
import { ProjectionQueries } from '../projection-queries';
import { LIVE_SCHEMA, REBUILD_RANGE_EVENTS_MAX } from '../projections.limits';
import { foldBalanceRows } from './balance.rebuild';
import { replayBalance } from './balance-replay';
import { createLastOpenings, dropLastOpenings, selectBalanceRange } from './balance.rebuild.sql';
import type { BalanceUpsert } from './balance.sql';
import { BalanceView, balanceViewOf } from './balance.view';

export interface BalanceDifference {
  workspaceId: string;
  detail: string;
}

export interface BalanceReconciliation {
  /** The balance projection's checkpoint the fold stopped at (null: nothing projected yet). */
  checkpoint: Position | null;
  /** Credit events up to the checkpoint. */
  events: number;
  /** Projected balances compared with the fold. */
  compared: number;
  /**
   * Of those, rows written inline past the checkpoint (the projector had not reached them):
   * each compared with its own stream folded up to the row's position instead.
   */
  aheadOfCheckpoint: number;
  differences: BalanceDifference[];
}

const balancePageSize = 1_000;
// The fold's working table lives in the session's temporary schema: reconciling writes nothing
// another session sees, and the table goes with the transaction if it fails.
const FOLD_SCHEMA = 'pg_temp';

/**
 * Folds every workspace's events up to the balance projection's checkpoint and compares the
 * result with the projected rows; a row written inline past the checkpoint is compared with its
 * own stream folded up to the row's position. The checkpoint, the rows and the events are read
 * in one REPEATABLE READ snapshot, the events through the store inside that transaction (on the
 * embedded database, a read beside it would wait for it forever). The fold is the rebuild's
 * (foldBalanceRows: set-based in the database, debit runs summed, from each workspace's last
 * opening, then the domain's `evolve`), a different path from the live projection's one event
 * at a time, and only the compressed rows leave the database. `expectedWorkspaces` must all
 * have a projected row. Holds one state per workspace in memory. Used by `ops reconcile` and
 * the chaos audit.
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
    const fold =
      checkpoint === null
        ? { folded: new Map<string, BalanceUpsert>(), events: 0 }
        : await foldUpTo(store.inTransaction(snapshot), snapshot, checkpoint);
    const result: BalanceReconciliation = {
      checkpoint,
      events: fold.events,
      compared: 0,
      aheadOfCheckpoint: 0,
      differences: [],
    };
    const projectedIds = new Set<string>();
    const queries = new ProjectionQueries(snapshot);
    let after = '';
    for (;;) {
      const page = await queries.balancePage(after, balancePageSize);
      for (const projected of page) {
        result.compared += 1;
        projectedIds.add(projected.workspaceId);
        let expected = fold.folded.get(projected.workspaceId);
        if (BigInt(projected.position) > (expected?.position ?? 0n)) {
          result.aheadOfCheckpoint += 1;
          const rowPosition = BigInt(projected.position);
          expected = await replayBalance(
            store.inTransaction(snapshot),
            projected.workspaceId,
            (recorded) => recorded.position.prepare <= rowPosition,
          );
        }
        const detail = differenceOf(projected, expected);
        if (detail !== null)
          result.differences.push({ workspaceId: projected.workspaceId, detail });
      }
      const last = page[page.length - 1];
      if (!last || page.length < balancePageSize) break;
      after = last.workspaceId;
    }
    for (const workspaceId of new Set([...fold.folded.keys(), ...expectedWorkspaces])) {
      if (!projectedIds.has(workspaceId)) {
        result.differences.push({ workspaceId, detail: 'has events but no projected balance' });
      }
    }
    return result;
  });
}

async function foldUpTo(
  events: EventStore,
  transaction: SqlClient,
  checkpoint: Position,
): Promise<{ folded: Map<string, BalanceUpsert>; events: number }> {
  await createLastOpenings(transaction, events, FOLD_SCHEMA, checkpoint);
  const folded = new Map<string, BalanceUpsert>();
  let count = 0;
  const nextRange = (after: Position) =>
    events.nextRange(after, {
      upTo: checkpoint,
      eventsMax: REBUILD_RANGE_EVENTS_MAX,
      filter: CREDIT_STREAMS,
    });
  for (let found = await nextRange(START); found; found = await nextRange(found.range.upTo)) {
    foldBalanceRows(folded, await selectBalanceRange(events, FOLD_SCHEMA, found.range));
    count += found.matching;
  }
  await dropLastOpenings(transaction, FOLD_SCHEMA);
  return { folded, events: count };
}

function differenceOf(projected: BalanceView, expected: BalanceUpsert | undefined): string | null {
  if (expected === undefined) return 'projected balance without events up to the checkpoint';
  const foldedView = balanceViewOf(
    balanceOf(expected.state),
    expected.position,
    expected.updatedAt,
  );
  const fields = (Object.keys(foldedView) as (keyof BalanceView)[]).filter(
    (field) => JSON.stringify(foldedView[field]) !== JSON.stringify(projected[field]),
  );
  if (fields.length === 0) return null;
  return fields
    .map(
      (field) =>
        `${field} projected ${JSON.stringify(projected[field])}, folded from the events ${JSON.stringify(foldedView[field])}`,
    )
    .join('; ');
}
