import { evolve, initialWorkspaceState, WorkspaceState } from '@tally/credits';
import type { SqlClient } from '@tally/event-store';
import type { Projection, ProjectedEvent, ProjectionTarget } from '../projection';
import { BALANCE_CHANGED_CHANNEL } from '../projections.limits';
import { balanceBulkRebuilder } from './balance.rebuild';
import { selectBalanceStates, upsertBalances } from './balance.sql';

// Folds the domain's own `evolve` per workspace in memory (so the view is exactly what the
// ledger decides with), starting from the stored row: one SELECT and one upsert per batch.
export const balanceProjection: Projection = {
  name: 'balance',
  tables: ['balances'],
  bulkRebuilder: (schema) => balanceBulkRebuilder(schema),
  async apply(sql: SqlClient, target: ProjectionTarget, events: ProjectedEvent[]): Promise<void> {
    const workspaceIds = [...new Set(events.map((projected) => projected.workspaceId))];
    const states = await selectBalanceStates(sql, target.schema, workspaceIds);
    const folded = new Map<string, { state: WorkspaceState; position: bigint; updatedAt: Date }>();
    for (const { recorded, event, workspaceId } of events) {
      const previous =
        folded.get(workspaceId)?.state ??
        states.get(workspaceId) ??
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
