import type { InboundMessageType } from './inbound-message';

// Every Kafka topic name lives here, so a rename is one edit. Names are defaults; apps may
// override them from configuration but start from these.
export const Topics = {
  actionExecuted: 'credits.action-executed.v1',
  subscription: 'billing.subscription.v1',
  balanceAlerts: 'credits.balance-alerts.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** Which topic carries each inbound message type: the one routing table, for every door. */
export const TOPIC_OF_MESSAGE_TYPE = {
  ActionExecuted: 'actionExecuted',
  SubscriptionPeriodStarted: 'subscription',
  CreditPackPurchased: 'subscription',
  CreditsGranted: 'subscription',
} as const satisfies Record<InboundMessageType, keyof typeof Topics>;

/** The dead-letter topic for messages on `topic` that failed validation. */
export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}
