import type {
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import {
  ACTION_KIND_LENGTH_MAX,
  ACTION_KIND_PATTERN,
  ACTION_SOURCES,
  BILLING_CYCLES,
  ContractErrorCode,
  DURATION_MS_MAX,
  GRANT_TYPES,
  IDENTIFIER_LENGTH_MAX,
  RECIPIENTS_MAX,
  RESERVATION_ID_PATTERN,
  TOKENS_MAX,
  WORKSPACE_ID_PATTERN,
} from '@tally/contracts';
import { MICRO_AMOUNT_PATTERN, POSITIVE_CREDITS_PATTERN } from './request-schemas';
import { ApiErrorCode } from '../errors/api-error-code';

// The bus messages POST /v1/events takes (design §2, docs/events.md), one schema per type, built
// from the contracts' own limits and patterns. The contracts' parser stays the judge: an envelope
// it refuses is listed in `rejected` with one of ENVELOPE_REJECTION_CODES, never applied.
// Unknown fields are accepted (the contract lets producers add fields).

const identifier: SchemaObject = { type: 'string', minLength: 1, maxLength: IDENTIFIER_LENGTH_MAX };
const instant: SchemaObject = { type: 'string', format: 'date-time' };
const tokens: SchemaObject = { type: 'integer', minimum: 0, maximum: TOKENS_MAX };
const credits: SchemaObject = {
  type: 'string',
  pattern: POSITIVE_CREDITS_PATTERN,
  description: 'credits, a decimal string with at most 6 decimals',
  example: '50',
};

function envelope(
  type: string,
  description: string,
  fields: Record<string, SchemaObject>,
  optional: string[] = [],
): SchemaObject {
  const properties: Record<string, SchemaObject> = {
    type: { type: 'string', enum: [type] },
    eventId: { ...identifier, description: "the producer's idempotency key" },
    schemaVersion: { type: 'integer', enum: [1] },
    occurredAt: instant,
    workspaceId: { type: 'string', pattern: WORKSPACE_ID_PATTERN.source },
    ...fields,
  };
  return {
    type: 'object',
    description,
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
    properties,
  };
}

const action: SchemaObject = {
  type: 'object',
  description: 'durationMs is required for code.run, recipients for email.send, ai for ai.generate',
  required: ['kind'],
  properties: {
    kind: {
      type: 'string',
      maxLength: ACTION_KIND_LENGTH_MAX,
      pattern: ACTION_KIND_PATTERN.source,
    },
    workflowId: identifier,
    workflowRunId: identifier,
    stepId: identifier,
    durationMs: { type: 'integer', minimum: 0, maximum: DURATION_MS_MAX },
    recipients: { type: 'integer', minimum: 0, maximum: RECIPIENTS_MAX },
    ai: {
      type: 'object',
      required: ['model', 'inputTokens', 'outputTokens'],
      properties: {
        model: identifier,
        inputTokens: tokens,
        outputTokens: tokens,
        cachedInputTokens: tokens,
        cacheWriteInputTokens: tokens,
      },
    },
  },
};

const ENVELOPES: Record<string, SchemaObject> = {
  ActionExecuted: envelope(
    'ActionExecuted',
    'An action a workflow or AI service ran, to be priced and debited (credits.action-executed.v1)',
    {
      source: { type: 'string', enum: [...ACTION_SOURCES] },
      action,
      reservationId: {
        type: 'string',
        pattern: RESERVATION_ID_PATTERN.source,
        description: 'draws on that reservation first (design §6)',
      },
    },
    ['reservationId'],
  ),
  SubscriptionPeriodStarted: envelope(
    'SubscriptionPeriodStarted',
    'A billing period began (billing.subscription.v1; needs credits:admin over HTTP)',
    {
      cycle: { type: 'string', enum: [...BILLING_CYCLES] },
      periodStart: instant,
      periodEnd: instant,
      allocationMicro: {
        type: 'string',
        pattern: MICRO_AMOUNT_PATTERN,
        description: "overrides the cycle's allocation (µcr, a decimal string)",
      },
    },
    ['allocationMicro'],
  ),
  CreditPackPurchased: envelope(
    'CreditPackPurchased',
    'A pack was paid for (billing.subscription.v1; needs credits:admin over HTTP)',
    { credits, paymentRef: identifier },
  ),
  CreditsGranted: envelope(
    'CreditsGranted',
    'An operator granted credits (billing.subscription.v1; needs credits:admin over HTTP)',
    {
      grantType: { type: 'string', enum: [...GRANT_TYPES] },
      credits,
      reference: identifier,
      expiresAt: instant,
    },
    ['expiresAt'],
  ),
};

/** Why an envelope of POST /v1/events was not published. */
export const ENVELOPE_REJECTION_CODES: readonly string[] = [
  ...Object.values(ContractErrorCode),
  ApiErrorCode.WorkspaceForbidden,
  ApiErrorCode.InsufficientScope,
];

const envelopeRef = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });

/** components.schemas: each envelope type, and `Envelope`, any one of them by `type`. */
export const ENVELOPE_SCHEMAS: Record<string, SchemaObject> = {
  ...ENVELOPES,
  Envelope: {
    description: 'One message envelope as on Kafka (design §2), told apart by `type`',
    oneOf: Object.keys(ENVELOPES).map(envelopeRef),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(
        Object.keys(ENVELOPES).map((name) => [name, `#/components/schemas/${name}`]),
      ),
    },
  },
};
