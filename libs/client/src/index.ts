export type {
  ActionExecutedEnvelope,
  ActionFields,
  AiUsageFields,
  CreditPackPurchasedEnvelope,
  CreditsEnvelope,
  CreditsGrantedEnvelope,
  SubscriptionPeriodStartedEnvelope,
} from './messages/envelopes';
export {
  actionExecuted,
  aiGenerate,
  subscriptionPeriodStarted,
  creditPackPurchased,
  creditsGranted,
  assertValidEnvelope,
} from './messages/message-builders';
export type {
  EnvelopeInput,
  ActionExecutedInput,
  AiGenerateInput,
  SubscriptionPeriodStartedInput,
  CreditPackPurchasedInput,
  CreditsGrantedInput,
} from './messages/message-builders';
export { aiUsageFromOpenAi, aiUsageFromAnthropic } from './messages/ai-usage';
export type { OpenAiUsage, AnthropicUsage } from './messages/ai-usage';
export { InvalidInputError } from './messages/invalid-input.error';
export { TallyApiError, TallyNetworkError } from './http/tally-errors';
export { TallyHttp, REQUEST_TIMEOUT_MS_DEFAULT } from './http/tally-http';
export type { TallyHttpOptions } from './http/tally-http';
export { RETRY_POLICY_DEFAULT, retryDelayMs } from './http/retry-policy';
export type { RetryPolicy } from './http/retry-policy';
export { MESSAGES_PER_BATCH_MAX } from './publishing/credits-publisher';
export type {
  CreditsPublisher,
  PublishResult,
  PublishRejection,
} from './publishing/credits-publisher';
export { HttpCreditsPublisher } from './publishing/http-credits-publisher';
export { KafkaCreditsPublisher } from './publishing/kafka-credits-publisher';
export type {
  KafkaCreditsPublisherOptions,
  KafkaCreditsTopics,
} from './publishing/kafka-credits-publisher';
export type {
  Reservation,
  ReservationStatus,
  ReserveRequest,
  ReserveResult,
  CreditsInsufficient,
  GateAnswer,
} from './reservations/reservation';
export { SettlementError } from './reservations/with-reservation';
export type {
  ReservationEnded,
  ReservationHold,
  ReservationWork,
  WithReservationResult,
} from './reservations/with-reservation';
export { CreditsClient } from './credits-client';
export type { CreditsClientOptions } from './credits-client';
