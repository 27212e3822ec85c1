import { initialWorkspaceState } from '@tally/credits';
import { EventStore, SqlClient, SqlEventStore } from '@tally/event-store';
import { balanceOf } from './balance/balance.body';
import { selectBalancePage, selectBalanceView } from './balance/balance.sql';
import { BalanceView, balanceViewOf } from './balance/balance.view';
import { readCheckpoints, CheckpointRow } from './checkpoints/checkpoints.sql';
import {
  countHeldWorkspaces,
  HeldWorkspace,
  selectHeldWorkspaces,
} from './held/held-workspaces.sql';
import { LIVE_SCHEMA } from './projections.limits';
import { RolloverPeriodView, selectRolloverPeriods } from './rollover/rollover.sql';
import { selectStatementPage, StatementPageView } from './statement/statement.sql';
import { selectUsageByDay, UsageBucketView } from './usage/usage.sql';

/** The body of a workspace no projected event mentions yet: no plan, nothing available. */
export function noPlanBalance(workspaceId: string): BalanceView {
  return balanceViewOf(balanceOf(initialWorkspaceState(workspaceId)), 0n, null);
}

/**
 * What readers (billing API, ops) ask of the live read models. Ids arrive validated. A read that
 * needs the events themselves (the statement's) reads them through the event store's port, on the
 * same SqlClient unless another store is given.
 */
export class ProjectionQueries {
  constructor(
    private readonly sql: SqlClient,
    private readonly schema: string = LIVE_SCHEMA,
    private readonly events: EventStore = new SqlEventStore(sql),
  ) {}

  async balance(workspaceId: string): Promise<BalanceView> {
    return (
      (await selectBalanceView(this.sql, this.schema, workspaceId)) ?? noPlanBalance(workspaceId)
    );
  }

  balancePage(afterWorkspaceId: string, limit: number): Promise<BalanceView[]> {
    return selectBalancePage(this.sql, this.schema, afterWorkspaceId, limit);
  }

  /** Usage per UTC day in [fromDay, toDay) (YYYY-MM-DD). */
  usageByDay(workspaceId: string, fromDay: string, toDay: string): Promise<UsageBucketView[]> {
    return selectUsageByDay(this.sql, this.schema, workspaceId, fromDay, toDay);
  }

  rollover(workspaceId: string): Promise<RolloverPeriodView[]> {
    return selectRolloverPeriods(this.sql, this.schema, workspaceId);
  }

  statement(
    workspaceId: string,
    beforeRevision: bigint | null,
    limit: number,
  ): Promise<StatementPageView> {
    return selectStatementPage(
      this.sql,
      this.events,
      this.schema,
      workspaceId,
      beforeRevision,
      limit,
    );
  }

  checkpoints(): Promise<CheckpointRow[]> {
    return readCheckpoints(this.sql, this.schema);
  }

  /** Held-back workspaces, oldest hold first: every one, or one workspace's holds. */
  heldWorkspaces(options: { workspaceId?: string; limit: number }): Promise<HeldWorkspace[]> {
    return selectHeldWorkspaces(this.sql, this.schema, options);
  }

  /** How many workspaces each projection holds back (absent: none). */
  heldWorkspaceCounts(): Promise<Map<string, number>> {
    return countHeldWorkspaces(this.sql, this.schema);
  }
}
