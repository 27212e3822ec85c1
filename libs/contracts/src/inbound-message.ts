import type { ActionSource } from './messages/action-executed.message';
import type { BillingCycle, GrantType } from './messages/subscription.messages';

// Plain, validated values handed to the domain. Amounts are bigint µcr, instants canonical
// UTC ISO strings (`Date#toISOString` form), token counts safe non-negative integers.

interface InboundEnvelope {
  eventId: string;
  schemaVersion: 1;
  occurredAt: string;
  workspaceId: string;
}

export interface AiUsage {
  model: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteInputTokens: number;
}

export interface ExecutedAction {
  kind: string;
  workflowId?: string;
  workflowRunId?: string;
  stepId?: string;
  durationMs?: number;
  recipients?: number;
  ai?: AiUsage;
}

export interface ActionExecuted extends InboundEnvelope {
  type: 'ActionExecuted';
  source: ActionSource;
  action: ExecutedAction;
  reservationId?: string;
}

export interface SubscriptionPeriodStarted extends InboundEnvelope {
  type: 'SubscriptionPeriodStarted';
  cycle: BillingCycle;
  periodStart: string;
  periodEnd: string;
  /** Overrides the cycle's default allocation when present. */
  allocationMicro?: bigint;
}

export interface CreditPackPurchased extends InboundEnvelope {
  type: 'CreditPackPurchased';
  creditsMicro: bigint;
  paymentRef: string;
}

export interface CreditsGranted extends InboundEnvelope {
  type: 'CreditsGranted';
  grantType: GrantType;
  creditsMicro: bigint;
  reference: string;
  expiresAt?: string;
}

export type InboundMessage =
  ActionExecuted | SubscriptionPeriodStarted | CreditPackPurchased | CreditsGranted;

export type InboundMessageType = InboundMessage['type'];

export const INBOUND_MESSAGE_TYPES: readonly InboundMessageType[] = [
  'ActionExecuted',
  'SubscriptionPeriodStarted',
  'CreditPackPurchased',
  'CreditsGranted',
];
