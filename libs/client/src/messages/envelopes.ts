import type { ActionSource, BillingCycle, GrantType } from '@tally/contracts';

// The JSON the services send (design section 2), as the client builds it: amounts are decimal
// strings, instants canonical UTC (`Date#toISOString` form), `schemaVersion` 1. Builders
// return these frozen and already checked with the contracts' parser.

interface Envelope {
  /** Idempotency key: the same eventId again has no effect. A uuid unless the caller names one. */
  readonly eventId: string;
  readonly schemaVersion: 1;
  readonly occurredAt: string;
  readonly workspaceId: string;
}

/**
 * Token counts of one `ai.generate` action. Each token is counted once, in one field
 * (docs/api.md, the token convention).
 */
export interface AiUsageFields {
  readonly model: string;
  /** Fresh input only: never the prompt-cache reads or writes below. */
  readonly inputTokens: number;
  /** Reasoning tokens included. */
  readonly outputTokens: number;
  /** Prompt-cache reads (OpenAI `cached_tokens`, Anthropic `cache_read_input_tokens`). */
  readonly cachedInputTokens?: number;
  /** Prompt-cache writes (Anthropic `cache_creation_input_tokens`). */
  readonly cacheWriteInputTokens?: number;
}

export interface ActionFields {
  /** Dotted lower-case kind: `record.create`, `code.run`, `email.send`, `ai.generate`, … */
  readonly kind: string;
  readonly workflowId?: string;
  readonly workflowRunId?: string;
  readonly stepId?: string;
  /** Required for `code.run`. */
  readonly durationMs?: number;
  /** Required for `email.send`. */
  readonly recipients?: number;
  /** Required for `ai.generate`. */
  readonly ai?: AiUsageFields;
}

export interface ActionExecutedEnvelope extends Envelope {
  readonly type: 'ActionExecuted';
  readonly source: ActionSource;
  readonly action: ActionFields;
  /** The reservation this action draws on first (design section 6). */
  readonly reservationId?: string;
}

export interface SubscriptionPeriodStartedEnvelope extends Envelope {
  readonly type: 'SubscriptionPeriodStarted';
  readonly cycle: BillingCycle;
  readonly periodStart: string;
  readonly periodEnd: string;
  /** Integer µcr; overrides the cycle's default allocation. */
  readonly allocationMicro?: string;
}

export interface CreditPackPurchasedEnvelope extends Envelope {
  readonly type: 'CreditPackPurchased';
  /** Decimal credits, at most 6 decimals ("10", "0.5"). */
  readonly credits: string;
  readonly paymentRef: string;
}

export interface CreditsGrantedEnvelope extends Envelope {
  readonly type: 'CreditsGranted';
  readonly grantType: GrantType;
  /** Decimal credits, at most 6 decimals. */
  readonly credits: string;
  readonly reference: string;
  readonly expiresAt?: string;
}

/** Any message a service publishes to Tally. */
export type CreditsEnvelope =
  | ActionExecutedEnvelope
  | SubscriptionPeriodStartedEnvelope
  | CreditPackPurchasedEnvelope
  | CreditsGrantedEnvelope;
