import type {
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { BILLING_CYCLES, GRANT_TYPES, WORKSPACE_STATUSES } from '@tally/contracts';
import { ENVELOPE_REJECTION_CODES } from './envelope-schemas';
import { PRICE_BOOK_SCHEMA } from './request-schemas';

// The bodies the billing API answers with, as OpenAPI 3.0 schemas (components.schemas). The
// contract test validates every answer it gets against these, so they say what the code sends.

const micro = (description: string): SchemaObject => ({
  type: 'string',
  pattern: '^-?\\d+$',
  description: `${description} (µcr, a decimal string)`,
  example: '5000000',
});
const instant: SchemaObject = { type: 'string', format: 'date-time' };
const nullableInstant: SchemaObject = { ...instant, nullable: true };
const text: SchemaObject = { type: 'string' };

function object(
  properties: Record<string, SchemaObject | ReferenceObject>,
  description?: string,
): SchemaObject {
  return {
    type: 'object',
    ...(description === undefined ? {} : { description }),
    required: Object.keys(properties),
    properties,
  };
}

const ref = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });

const Balance = object(
  {
    workspaceId: text,
    status: { type: 'string', enum: [...WORKSPACE_STATUSES] },
    period: {
      ...object({
        cycle: { type: 'string', enum: [...BILLING_CYCLES] },
        start: instant,
        end: instant,
      }),
      nullable: true,
    },
    allocationMicro: micro('the period allocation'),
    allocationRemainingMicro: micro('what is left of it'),
    rolloverMicro: micro('rolled over from closed periods'),
    grantedMicro: micro('open grants'),
    purchasedMicro: micro('purchased packs'),
    overdraftMicro: micro('spent beyond every bucket'),
    reservedMicro: micro('unspent holds of live reservations'),
    usedThisPeriodMicro: micro('debits of the period, overdraft included'),
    totalAvailableMicro: micro('allocation remaining + rollover + granted + purchased − reserved'),
    position: { type: 'string', description: 'position of the last event folded in; "0": none' },
    updatedAt: nullableInstant,
    forecast: object({
      exhaustsAt: nullableInstant,
      willExhaustThisPeriod: { type: 'boolean' },
      dailyBurnMicro: micro('the rate of use per day'),
      basis: {
        type: 'string',
        enum: ['trailing-7-days', 'period-to-date', 'no-usage', 'no-plan', 'exhausted'],
      },
    }),
  },
  'The live balance (design §3), plus when it runs out at the current rate',
);

const Reservation = object({
  reservationId: text,
  workspaceId: text,
  status: { type: 'string', enum: ['held', 'released', 'expired'] },
  amountMicro: micro('held when made'),
  spentMicro: micro('debited against it'),
  heldMicro: micro('still held: amount − spent while held, 0 once ended'),
  expiresAt: instant,
  createdAt: instant,
  endedAt: nullableInstant,
});

const priceBookVersion = { version: text, effectiveAt: instant, publishedAt: instant };

export const RESPONSE_SCHEMAS: Record<string, SchemaObject | ReferenceObject> = {
  ApiError: {
    ...object({
      code: { type: 'string', description: 'a stable error code (docs/api.md)' },
      message: { type: 'string', description: 'what went wrong, for a person' },
      details: { description: 'structured details (any JSON value); null when there are none' },
    }),
    description: 'Every error body of the API',
  },
  Balance,
  Usage: object({
    series: {
      type: 'array',
      items: object({
        bucketStart: instant,
        totalMicro: micro('used that day'),
        count: { type: 'integer', minimum: 0 },
        byKind: { type: 'object', additionalProperties: micro('used by the kind') },
      }),
    },
  }),
  Rollover: object({
    periods: {
      type: 'array',
      items: object({
        periodStart: instant,
        periodEnd: instant,
        allocationMicro: micro('allocated'),
        unusedMicro: micro('left at the close'),
        rolledOverMicro: micro('carried into the next period'),
        expiredMicro: micro('expired at the close'),
        overdraftForgivenMicro: micro('overdraft forgiven at the close'),
      }),
    },
  }),
  StatementPage: object({
    entries: {
      type: 'array',
      items: object({
        eventId: text,
        type: text,
        direction: { type: 'string', enum: ['credit', 'debit', 'hold', 'release'] },
        amountMicro: micro('moved by the event'),
        occurredAt: instant,
        recordedAt: instant,
        revision: text,
        position: text,
        data: { type: 'object', description: 'the stored event' },
      }),
    },
    nextCursor: { type: 'string', nullable: true, description: 'cursor of the next, older page' },
  }),
  CheckAnswer: object({
    allowed: { type: 'boolean' },
    status: { type: 'string', enum: [...WORKSPACE_STATUSES] },
    totalAvailableMicro: micro('total available'),
  }),
  CreditPackReceipt: object({
    workspaceId: text,
    paymentRef: text,
    credits: text,
    creditsMicro: micro('the pack'),
    replayed: { type: 'boolean' },
  }),
  CreditGrantReceipt: object({
    workspaceId: text,
    reference: text,
    grantType: { type: 'string', enum: [...GRANT_TYPES] },
    credits: text,
    creditsMicro: micro('the grant'),
    expiresAt: nullableInstant,
    replayed: { type: 'boolean' },
  }),
  Reservation,
  ReservationHeld: object(
    {
      allowed: { type: 'boolean', enum: [true] },
      reservation: ref('Reservation'),
      totalAvailableMicro: micro('total available after the hold'),
    },
    '201: the hold was made',
  ),
  ReservationReplayed: object(
    {
      allowed: { type: 'boolean', enum: [true] },
      reservation: ref('Reservation'),
      replayed: { type: 'boolean', enum: [true] },
    },
    '200: this id was reserved before with the same amount; the reservation as it is now',
  ),
  ReservationRefused: object(
    {
      allowed: { type: 'boolean', enum: [false] },
      code: { type: 'string', enum: ['CREDITS_INSUFFICIENT'] },
      totalAvailableMicro: micro('total available now'),
    },
    '200: not enough available; nothing was held',
  ),
  PublishedPriceBook: {
    ...PRICE_BOOK_SCHEMA,
    description: 'A book as published, with when it was published',
    required: [...(PRICE_BOOK_SCHEMA.required ?? []), 'publishedAt'],
    properties: { ...PRICE_BOOK_SCHEMA.properties, publishedAt: instant },
  },
  PriceBookView: object({
    current: ref('PublishedPriceBook'),
    versions: { type: 'array', items: object(priceBookVersion) },
  }),
  PriceBookReceipt: object({ ...priceBookVersion, replayed: { type: 'boolean' } }),
  PublishEventsResult: object({
    accepted: { type: 'integer', minimum: 0 },
    rejected: {
      type: 'array',
      items: object({
        index: { type: 'integer', minimum: 0 },
        code: { type: 'string', enum: [...ENVELOPE_REJECTION_CODES] },
        message: text,
      }),
    },
  }),
  HealthReport: object({
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    failed: {
      type: 'array',
      items: {
        type: 'string',
        enum: ['database', 'projector', 'heldWorkspaces', 'stuckPartitions'],
      },
    },
    database: { type: 'string', enum: ['ok', 'unreachable'] },
    projector: object({
      status: { type: 'string', enum: ['ok', 'stalled', 'unknown'] },
      lowestCheckpoint: { type: 'string', nullable: true },
      waitingSince: nullableInstant,
    }),
    heldWorkspaces: {
      type: 'array',
      items: object({
        projection: text,
        workspaceId: text,
        position: text,
        error: text,
        since: instant,
      }),
    },
    heldWorkspaceCount: { type: 'integer', minimum: 0 },
    stuckPartitions: {
      type: 'array',
      items: object({
        groupId: text,
        topic: text,
        partition: { type: 'integer' },
        firstOffset: text,
        codec: text,
        error: text,
        since: instant,
      }),
    },
  }),
};

export const schemaRef = ref;
