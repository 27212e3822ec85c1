export { storedEventId } from './event-ids';
export {
  workspaceStreamName,
  workspaceIdOfStream,
  workspaceStreamPrefix,
} from './workspace-stream';
export { loadWorkspace, loadWorkspaces, LoadedWorkspace } from './workspace-loader';
export {
  WorkspaceLedger,
  KeyedCommand,
  CommandOutcome,
  WorkspaceLedgerOptions,
} from './workspace-ledger';
export type { InlineReadModel, InlineWorkspace } from './inline-read-model';
export { idempotencyKeyOf } from './idempotency-key';
export { WorkspaceSnapshots, WorkspaceSnapshot } from './workspace-snapshots';
export { WORKSPACE_SNAPSHOT_VERSION } from './workspace-snapshots';
export { LEDGER_MIGRATIONS, ledgerMigrated, migrateLedger } from './ledger.migrations';
export { LedgerErrorCode } from './ledger-error-code';
export type { RefusalCode } from './ledger-error-code';
export type { AppliedContent } from './replay-conflicts';
export { keyedCommandOf } from './keyed-command';
export {
  StuckPartitions,
  readStuckPartitions,
  UNDECODABLE_BATCH,
  STUCK_LISTED_MAX,
} from './stuck-partitions';
export type { StuckPartition, StuckBatchReport } from './stuck-partitions';
export {
  encodeCreditEvent,
  decodeCreditEvent,
  withStoredDefaults,
  encodeWorkspaceState,
  decodeWorkspaceState,
} from './credit-event.codec';
export type { EncodedCreditEvent } from './credit-event.codec';
export {
  loadPriceBooks,
  publishPriceBook,
  PriceBooks,
  PRICE_BOOKS_STREAM,
  PRICE_BOOK_PUBLISHED,
  PRICE_BOOK_CONFLICT,
  PRICE_BOOK_RETROACTIVE,
} from './price-book-stream';
export type { PublishedPriceBook, PriceBookCatalog, PublishOutcome } from './price-book-stream';
export { reserveCommand, releaseCommand, expireDueCommand } from './reservation-commands';
export type { ReserveRequest } from './reservation-commands';
export { reservationMadeBy, selectReservation, selectReservations } from './reservation-rows';
export type { ReservationView, ReservationStatus } from './reservation-rows';
export { selectDueWorkspaces, nextDeadlineOf } from './workspace-deadlines';
export type { DueWorkspace } from './workspace-deadlines';
export { DeadlineScheduler } from './deadline-scheduler';
export type { DeadlineSchedulerOptions } from './deadline-scheduler';
