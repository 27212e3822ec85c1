import { randomUUID } from 'node:crypto';
import {
  ActionSource,
  BillingCycle,
  canonicalInstant,
  GrantType,
  isInstant,
  parseInboundMessage,
} from '@tally/contracts';
import type {
  ActionExecutedEnvelope,
  ActionFields,
  AiUsageFields,
  CreditPackPurchasedEnvelope,
  CreditsEnvelope,
  CreditsGrantedEnvelope,
  SubscriptionPeriodStartedEnvelope,
} from './envelopes';
import { InvalidInputError } from './invalid-input.error';

/** What every builder takes besides the message's own fields. */
export interface EnvelopeInput {
  workspaceId: string;
  /** Default: a fresh uuid. Name one derived from your own id to make a retry a no-op. */
  eventId?: string;
  /** A Date or an ISO 8601 instant with a zone; default now. Sent in canonical UTC form. */
  occurredAt?: Date | string;
}

export interface ActionExecutedInput extends EnvelopeInput {
  source: ActionSource;
  action: ActionFields;
  reservationId?: string;
}

/** An `ai.generate` action: `ai` follows the token convention (see AiUsageFields). */
export interface AiGenerateInput extends EnvelopeInput {
  source: ActionSource;
  ai: AiUsageFields;
  workflowId?: string;
  workflowRunId?: string;
  stepId?: string;
  reservationId?: string;
}

export interface SubscriptionPeriodStartedInput extends EnvelopeInput {
  cycle: BillingCycle;
  periodStart: Date | string;
  periodEnd: Date | string;
  /** µcr; overrides the cycle's default allocation. */
  allocationMicro?: bigint;
}

export interface CreditPackPurchasedInput extends EnvelopeInput {
  /** Decimal credits ("10", "0.5"). */
  credits: string;
  paymentRef: string;
}

export interface CreditsGrantedInput extends EnvelopeInput {
  grantType: GrantType;
  /** Decimal credits ("10", "0.5"). */
  credits: string;
  reference: string;
  expiresAt?: Date | string;
}

/** An executed action; throws InvalidInputError when the contracts would refuse it. */
export function actionExecuted(input: ActionExecutedInput): ActionExecutedEnvelope {
  const action = withoutUndefined({
    ...input.action,
    ...(input.action.ai === undefined ? {} : { ai: withoutUndefined({ ...input.action.ai }) }),
  });
  return checked({
    ...envelopeOf(input, 'ActionExecuted'),
    source: input.source,
    action,
    ...(input.reservationId === undefined ? {} : { reservationId: input.reservationId }),
  });
}

/** An `ai.generate` action (token counts as in AiUsageFields). */
export function aiGenerate(input: AiGenerateInput): ActionExecutedEnvelope {
  const { ai, workflowId, workflowRunId, stepId, ...rest } = input;
  return actionExecuted({
    ...rest,
    action: { kind: 'ai.generate', workflowId, workflowRunId, stepId, ai },
  });
}

export function subscriptionPeriodStarted(
  input: SubscriptionPeriodStartedInput,
): SubscriptionPeriodStartedEnvelope {
  return checked({
    ...envelopeOf(input, 'SubscriptionPeriodStarted'),
    cycle: input.cycle,
    periodStart: instantOf(input.periodStart),
    periodEnd: instantOf(input.periodEnd),
    ...(input.allocationMicro === undefined
      ? {}
      : { allocationMicro: input.allocationMicro.toString() }),
  });
}

export function creditPackPurchased(input: CreditPackPurchasedInput): CreditPackPurchasedEnvelope {
  return checked({
    ...envelopeOf(input, 'CreditPackPurchased'),
    credits: input.credits,
    paymentRef: input.paymentRef,
  });
}

export function creditsGranted(input: CreditsGrantedInput): CreditsGrantedEnvelope {
  return checked({
    ...envelopeOf(input, 'CreditsGranted'),
    grantType: input.grantType,
    credits: input.credits,
    reference: input.reference,
    ...(input.expiresAt === undefined ? {} : { expiresAt: instantOf(input.expiresAt) }),
  });
}

/**
 * Runs the contracts' parser on the bytes that will be sent (size limit included), the check
 * the API and the ledger run, so a bad message fails here, at the caller.
 */
export function assertValidEnvelope(envelope: CreditsEnvelope): void {
  const parsed = parseInboundMessage(JSON.stringify(envelope));
  if (!parsed.ok) throw new InvalidInputError(parsed.code, parsed.message, parsed.details);
}

function envelopeOf<T extends CreditsEnvelope['type']>(input: EnvelopeInput, type: T) {
  return {
    eventId: input.eventId ?? randomUUID(),
    type,
    schemaVersion: 1 as const,
    occurredAt: instantOf(input.occurredAt ?? new Date()),
    workspaceId: input.workspaceId,
  };
}

// A string that is not a valid instant is passed on as it is, for the parser to name the field.
function instantOf(value: Date | string): string {
  if (typeof value !== 'string') {
    if (Number.isNaN(value.getTime()))
      throw new InvalidInputError('VALIDATION_FAILED', 'an instant is an invalid Date', null);
    return value.toISOString();
  }
  return isInstant(value) ? canonicalInstant(value) : value;
}

function checked<T extends CreditsEnvelope>(envelope: T): T {
  assertValidEnvelope(envelope);
  return deepFreeze(envelope);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const field of Object.values(value)) deepFreeze(field);
    Object.freeze(value);
  }
  return value;
}
