import { evolve, initialWorkspaceState } from '@tally/credits';
import type { SqlClient } from '@tally/event-store';
import type { Projection, ProjectedEvent, ProjectionTarget } from '../projection';
import { BALANCE_CHANGED_CHANNEL } from '../projections.limits';
import { balanceBulkRebuilder } from './balance.rebuild';
import { BalanceUpsert, selectBalanceStates, upsertBalances } from './balance.sql';

// Folds the domain's own `evolve` per workspace in memory (so the view is exactly what the
// ledger decides with), starting from the stored row: one SELECT and one upsert per batch. A
// ledger that writes the balance inline (balanceReadModel) has stored a row as of the workspace's
// newest event already: such a workspace is skipped, and the projector only writes the rows no
// inline writer did (a ledger without it, an append that met stored events, a rebuilt table
// catching up).
export const balanceProjection: Projection = {
  name: 'balance',
  tables: ['balances'],
  bulkRebuilder: (schema) => balanceBulkRebuilder(schema),
  async apply(sql: SqlClient, target: ProjectionTarget, events: ProjectedEvent[]): Promise<void> {
    const workspaceIds = [...new Set(events.map((projected) => projected.workspaceId))];
    const stored = await selectBalanceStates(sql, target.schema, workspaceIds);
    const folded = new Map<string, BalanceUpsert>();
    for (const { recorded, event, workspaceId } of events) {
      const row = stored.get(workspaceId);
      // Within one workspace positions grow with its revisions: the row already holds this event.
      if (row !== undefined && row.position >= recorded.position.prepare) continue;
      const previous =
        folded.get(workspaceId)?.state ?? row?.state ?? initialWorkspaceState(workspaceId);
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
