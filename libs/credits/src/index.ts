export type {
  WorkspaceCommand,
  OpenPeriod,
  DebitAction,
  AddCreditPack,
  GrantCredits,
  ActionToPrice,
} from './workspace-credits/workspace-credits.commands';
export { CreditEventTypes } from './workspace-credits/workspace-credits.events';
export type {
  CreditEvent,
  CreditEventType,
  CreditPeriodOpened,
  CreditPeriodClosed,
  CreditDebited,
  CreditPackAdded,
  CreditsGrantedEvent,
  CreditGrantExpired,
  CreditsReserved,
  CreditStatusChanged,
  DebitSplit,
  GrantDebit,
  GrantSnapshot,
} from './workspace-credits/workspace-credits.events';
export {
  initialWorkspaceState,
  totalAvailableOf,
  bucketsOf,
  heldMicroOf,
  statusFor,
} from './workspace-credits/workspace-credits.state';
export type {
  WorkspaceState,
  PlannedStatus,
  PlannedWorkspace,
  UnplannedWorkspace,
  WorkspacePlan,
  CreditPeriod,
  GrantBucket,
  Reservation,
} from './workspace-credits/workspace-credits.state';
export { createDecider, decide } from './workspace-credits/workspace-credits.decide';
export type { DeciderConfig, WorkspaceDecider } from './workspace-credits/workspace-credits.decide';
export { evolve } from './workspace-credits/workspace-credits.evolve';
export { defaultCycleAllocations } from './workspace-credits/workspace-credits.period';
export type { CycleAllocations } from './workspace-credits/workspace-credits.period';
export {
  priceAction,
  priceBookAt,
  priceBookOf,
  defaultPriceBook,
  DEFAULT_PRICE_BOOK_DOCUMENT,
  RATE_SCALE,
} from './price-books/price-book';
export type { PriceBook, ModelRates, TokenRates, ActionPrice } from './price-books/price-book';
export { allocateDebit } from './workspace-credits/workspace-credits.debit';
export { alertForStatusChange } from './workspace-credits/workspace-credits.alerts';
export { commandFromInbound } from './workspace-credits/workspace-credits.from-inbound';
export { CreditsDomainError, CreditsErrorCode } from './workspace-credits/workspace-credits.errors';
export {
  RECENT_REFERENCES_MAX,
  OPEN_GRANTS_MAX,
  LIVE_RESERVATIONS_MAX,
  LOW_BALANCE_PERCENT,
} from './workspace-credits/workspace-credits.limits';
