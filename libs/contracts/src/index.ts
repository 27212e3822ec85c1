export { Topics, dlqTopicOf, TOPIC_OF_MESSAGE_TYPE } from './topics';
export type { TopicName } from './topics';
export { ContractErrorCode } from './contract-error-code';
export {
  DAY_MS,
  PAYLOAD_SIZE_MAX_BYTES,
  JSON_DEPTH_MAX,
  IDENTIFIER_LENGTH_MAX,
  WORKSPACE_ID_LENGTH_MAX,
  ACTION_KIND_LENGTH_MAX,
  AMOUNT_MICRO_MAX,
  TOKENS_MAX,
  RESERVATION_ID_PATTERN,
  DURATION_MS_MAX,
  RECIPIENTS_MAX,
  INSTANT_MIN_MS,
  INSTANT_MAX_MS,
  SUPPORTED_SCHEMA_VERSIONS,
} from './limits';
export { jsonShapeIssue, isStorableText } from './json-shape';
export type { JsonShapeIssue } from './json-shape';
export { isInstant, instantMsOf, canonicalInstant, utcDayMsOf } from './instants';
export {
  MICRO_PER_CREDIT,
  parseCreditsToMicro,
  parseMicro,
  formatMicroAsCredits,
  CREDITS_PATTERN,
  MICRO_PATTERN,
} from './credits-amount';
export {
  HasTextLength,
  IsInstant,
  IsOptionalField,
  IsCreditsAmount,
  IsMicroAmount,
  IsPositiveMicroAmount,
} from './validators';
export { MessageEnvelope, WORKSPACE_ID_PATTERN, WORKSPACE_ID_RULE } from './messages/envelope';
export {
  ActionExecutedMessage,
  ActionDto,
  AiUsageDto,
  ACTION_SOURCES,
  ACTION_KIND_PATTERN,
} from './messages/action-executed.message';
export type { ActionSource } from './messages/action-executed.message';
export {
  SubscriptionPeriodStartedMessage,
  CreditPackPurchasedMessage,
  CreditsGrantedMessage,
  BILLING_CYCLES,
  GRANT_TYPES,
} from './messages/subscription.messages';
export type { BillingCycle, GrantType } from './messages/subscription.messages';
export {
  CreditsLowMessage,
  CreditsExhaustedMessage,
  CreditsReplenishedMessage,
  balanceAlertOf,
  WORKSPACE_STATUSES,
  BALANCE_ALERT_TYPES,
} from './messages/balance-alert.messages';
export type {
  BalanceAlert,
  BalanceAlertType,
  WorkspaceStatus,
} from './messages/balance-alert.messages';
export { INBOUND_MESSAGE_TYPES } from './inbound-message';
export type {
  InboundMessage,
  InboundMessageType,
  ActionExecuted,
  ExecutedAction,
  AiUsage,
  SubscriptionPeriodStarted,
  CreditPackPurchased,
  CreditsGranted,
} from './inbound-message';
export { parseInboundMessage, validateInboundObject } from './parse-inbound-message';
export type { ParseResult, ValidationIssue } from './parse-inbound-message';
export { assertNever } from './assert-never';
export {
  parsePriceBookDocument,
  PRICE_BOOK_ENTRIES_MAX,
  PRICE_BOOK_FIELDS,
  PRICE_BOOK_VERSION_PATTERN,
} from './price-books/price-book.document';
export type {
  PriceBookDocument,
  ModelRatesDocument,
  TokenRatesDocument,
  LongContextDocument,
  PriceBookFieldError,
  PriceBookParse,
} from './price-books/price-book.document';
export type {
  paths as BillingApiPaths,
  components as BillingApiComponents,
} from './http/billing-api.openapi';
