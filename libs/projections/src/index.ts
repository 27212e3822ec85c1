export type { Projection, ProjectionName, ProjectionTarget, ProjectedEvent } from './projection';
export { PROJECTION_NAMES } from './projection';
export {
  BALANCE_CHANGED_CHANNEL,
  HELD_LISTED_MAX,
  LIVE_SCHEMA,
  PROJECTOR_BATCH_SIZE_MAX,
  PROJECTOR_STALL_AFTER_MS,
  REBUILD_PAGE_SIZE,
  REBUILD_SCHEMA,
  STATEMENT_PAGE_SIZE_DEFAULT,
  STATEMENT_PAGE_SIZE_MAX,
  USAGE_RANGE_DAYS_MAX,
} from './projections.limits';
export { ALL_PROJECTIONS, projectionsNamed } from './projections.registry';
export { inlineReadModels } from './inline-read-models';
export { migrateProjections, createProjectionSchema } from './projections.migrations';
export { projectionMigrationSet } from './projections.migrations';
export { applyProjectionBatch, decodeBatch } from './projection-batch';
export { Projector, ProjectorOptions, HoldReport } from './projector';
export type { HeldWorkspace } from './held/held-workspaces.sql';
export { retryHeldWorkspace, RetryOutcome } from './held/retry-hold';
export { readProjectorHealth, ProjectorHealth } from './health/projector-health';
export { ProjectionQueries, noPlanBalance } from './projection-queries';
export { balanceOf } from './balance/balance.body';
export { replayBalance } from './balance/balance-replay';
export type { WorkspaceBalance } from './balance/balance.body';
export type { BalanceView } from './balance/balance.view';
export { balanceViewOf } from './balance/balance.view';
export type { RolloverPeriodView } from './rollover/rollover.sql';
export type { UsageBucketView } from './usage/usage.sql';
export { utcDayOf } from './usage/usage.projection';
export type { StatementEntryView, StatementPageView } from './statement/statement.sql';
export type { CheckpointRow } from './checkpoints/checkpoints.sql';
export { rebuildProjections, RebuildProgress, RebuildOptions } from './rebuild/rebuild';
export {
  reconcileBalances,
  BalanceReconciliation,
  BalanceDifference,
} from './balance/balance-reconciliation';
