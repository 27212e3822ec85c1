import { evolve, initialWorkspaceState } from '@tally/credits';
import type { SqlClient } from '@tally/event-store';
import type { Projection, ProjectedEvent, ProjectionTarget } from '../projection';
import { BALANCE_CHANGED_CHANNEL } from '../projections.limits';
import { balanceBulkRebuilder } from './balance.rebuild';
import {
  BalanceUpsert,
  carryNewerBalances,
  selectBalancePositions,
  selectBalanceStates,
  upsertBalances,
} from './balance.sql';

// Folds the domain's own `evolve` per workspace in memory (so the view is exactly what the
// ledger decides with), starting from the stored row. A ledger that writes the balance inline
// (balanceReadModel) has stored a row as of the workspace's newest event already: the projector
// reads only the rows' positions, skips those events, and folds and writes only what no inline
// writer did (a ledger without it, an append that met stored events, a rebuilt table catching
// up). Within one workspace positions grow with its revisions, so a row as of position P holds
// every event of that workspace up to P.
export const balanceProjection: Projection = {
  name: 'balance',
  tables: ['balances'],
  bulkRebuilder: (schema) => balanceBulkRebuilder(schema),
  carryOver: carryNewerBalances,
  async apply(sql: SqlClient, target: ProjectionTarget, events: ProjectedEvent[]): Promise<void> {
    const workspaceIds = [...new Set(events.map((projected) => projected.workspaceId))];
    const positions = await selectBalancePositions(sql, target.schema, workspaceIds);
    const behind = events.filter(
      ({ recorded, workspaceId }) =>
        (positions.get(workspaceId) ?? -1n) < recorded.position.prepare,
    );
    if (behind.length === 0) return;
    const stored = await selectBalanceStates(sql, target.schema, [
      ...new Set(behind.map((projected) => projected.workspaceId)),
    ]);
    const folded = new Map<string, BalanceUpsert>();
    for (const { recorded, event, workspaceId } of behind) {
      const previous =
        folded.get(workspaceId)?.state ??
        stored.get(workspaceId) ??
        initialWorkspaceState(workspaceId);
      folded.set(workspaceId, {
        state: evolve(previous, event),
        position: recorded.position.prepare,
        updatedAt: recorded.createdAt,
      });
    }
    await upsertBalances(
      sql,
      target.schema,
      [...folded.values()],
      target.notify ? BALANCE_CHANGED_CHANNEL : null,
    );
  },
};
