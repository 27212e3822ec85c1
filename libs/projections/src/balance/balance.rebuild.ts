import {
  CreditDebited,
  CreditEvent,
  evolve,
  initialWorkspaceState,
  WorkspaceState,
} from '@tally/credits';
import { decodeCreditEvent } from '@tally/ledger';
import type { EventStore, PositionRange, SqlClient } from '@tally/event-store';
import type { BulkRebuilder } from '../projection';
import { BALANCE_REBUILD_STATES_MAX, BALANCE_REBUILD_UPSERT_ROWS_MAX } from '../projections.limits';
import { BalanceUpsert, selectBalanceStates, upsertBalances } from './balance.sql';
import {
  BalanceRangeRow,
  createLastOpenings,
  dropLastOpenings,
  selectBalanceRange,
} from './balance.rebuild.sql';

/**
 * One debit standing for a run of consecutive debits of a workspace: its amounts are the run's
 * sums. `evolve` of a debit only subtracts the split parts and the per-grant amounts and adds the
 * amount (a grant leaves the list when its remainder reaches zero, and a debit never draws on a
 * grant that is not open), so folding the sum equals folding the run. Never stored; the fields
 * `evolve` does not read are left empty.
 */
export function summedDebit(workspaceId: string, row: BalanceRangeRow): CreditDebited {
  // The store reads a part a debit left out as its stored default, so a run's sums are never null.
  const micro = (value: string | null): bigint => {
    if (value === null)
      throw new Error(`assertion failed: a debit run of ${workspaceId} without a sum`);
    return BigInt(value);
  };
  const grants =
    typeof row.grants === 'string' ? (JSON.parse(row.grants) as [string, string][]) : row.grants;
  return {
    type: 'CreditDebited',
    data: {
      workspaceId,
      sourceEventId: '',
      source: 'workflow',
      actionKind: '',
      model: null,
      amountMicro: micro(row.amount_micro),
      rule: '',
      priceBookVersion: '',
      fallback: false,
      split: {
        rolloverMicro: micro(row.rollover_micro),
        allocationMicro: micro(row.allocation_micro),
        grantedMicro: micro(row.granted_micro),
        purchasedMicro: micro(row.purchased_micro),
        overdraftMicro: micro(row.overdraft_micro),
      },
      grants: (grants ?? []).map(([reference, amountMicro]) => ({
        reference,
        amountMicro: BigInt(amountMicro),
      })),
      reservationId: null,
      reservationFound: false,
      reservationDrawnMicro: 0n,
      periodStart: null,
      occurredAt: '',
      processedAt: '',
    },
  };
}

function eventOfRow(row: BalanceRangeRow): CreditEvent {
  if (row.debit_run) return summedDebit(row.workspace_id, row);
  const data =
    typeof row.data === 'string' ? (JSON.parse(row.data) as Record<string, unknown>) : row.data;
  return decodeCreditEvent({ type: row.event_type, data: data ?? {} });
}

/**
 * Folds a range's rows (selectBalanceRange) into `folded`, per workspace in global order: each
 * from its state in `folded`, else in `stored`, else the initial one. What the rebuild and
 * `reconcile` fold.
 */
export function foldBalanceRows(
  folded: Map<string, BalanceUpsert>,
  rows: BalanceRangeRow[],
  stored: ReadonlyMap<string, WorkspaceState> = new Map(),
): void {
  for (const row of rows) {
    const workspaceId = row.workspace_id;
    const previous =
      folded.get(workspaceId)?.state ??
      stored.get(workspaceId) ??
      initialWorkspaceState(workspaceId);
    folded.set(workspaceId, {
      state: evolve(previous, eventOfRow(row)),
      position: BigInt(row.last_position),
      updatedAt: new Date(row.last_created_at),
    });
  }
}

/**
 * The balance fold over ranges: the database compresses each range to the events since each
 * workspace's last opening, debit runs summed (balance.rebuild.sql.ts, through the store's
 * queryRange), the domain's `evolve` folds the rows per workspace in memory, and `finish`
 * writes every row. Past BALANCE_REBUILD_STATES_MAX workspaces in memory the states are
 * written out and read back when a later range touches them, so memory stays bounded however
 * many workspaces exist.
 */
export function balanceBulkRebuilder(schema: string): BulkRebuilder {
  let folded = new Map<string, BalanceUpsert>();
  let spilled = false;

  const writeOut = async (sql: SqlClient): Promise<void> => {
    const upserts = [...folded.values()];
    for (let from = 0; from < upserts.length; from += BALANCE_REBUILD_UPSERT_ROWS_MAX) {
      await upsertBalances(
        sql,
        schema,
        upserts.slice(from, from + BALANCE_REBUILD_UPSERT_ROWS_MAX),
      );
    }
    folded = new Map();
  };

  return {
    prepare: (sql, events, head) => createLastOpenings(sql, events, schema, head),
    async applyRange(sql: SqlClient, events: EventStore, range: PositionRange) {
      const rows = await selectBalanceRange(events, schema, range);
      const stored = spilled
        ? await selectBalanceStates(sql, schema, [
            ...new Set(rows.map((row) => row.workspace_id).filter((id) => !folded.has(id))),
          ])
        : new Map<string, WorkspaceState>();
      foldBalanceRows(folded, rows, stored);
      if (folded.size > BALANCE_REBUILD_STATES_MAX) {
        await writeOut(sql);
        spilled = true;
      }
    },
    async finish(sql) {
      await writeOut(sql);
      await dropLastOpenings(sql, schema);
    },
  };
}
