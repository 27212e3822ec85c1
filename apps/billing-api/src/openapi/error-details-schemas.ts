import type {
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { GRANT_TYPES } from '@tally/contracts';
import { ApiErrorCode } from '../errors/api-error-code';

// The `details` of each error code that carries any, as the code sends it; every other code's
// details are null. The contract test checks each error it provokes against these.

type Schema = SchemaObject | ReferenceObject;

const text: SchemaObject = { type: 'string' };
const ref = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });

function object(properties: Record<string, Schema>, nullable = false): SchemaObject {
  return {
    type: 'object',
    required: Object.keys(properties),
    properties,
    ...(nullable ? { nullable: true } : {}),
  };
}

const credits = { credits: text, creditsMicro: text };

export const ERROR_DETAILS: Partial<Record<ApiErrorCode, Schema>> = {
  [ApiErrorCode.ValidationFailed]: {
    type: 'array',
    description: 'one entry per refused field; `path` is the field, dotted for nested ones',
    items: object({ path: text, messages: { type: 'array', items: text } }),
  },
  [ApiErrorCode.TooManyEvents]: object({
    count: { type: 'integer', minimum: 0 },
    limit: { type: 'integer', minimum: 1 },
  }),
  // Null only if a refusal came from below the routes (never from Tally's own guard).
  [ApiErrorCode.InsufficientScope]: object(
    { required: { ...text, nullable: true, description: 'the scope the route needs' } },
    true,
  ),
  [ApiErrorCode.InvalidPackSize]: object({ packSizes: { type: 'array', items: text } }),
  [ApiErrorCode.CommandRejected]: object({
    reason: { ...text, description: "the ledger's refusal code (docs/api.md)" },
  }),
  [ApiErrorCode.IdempotencyConflict]: object({
    applied: {
      description: 'what was applied under this paymentRef (a pack) or reference (a grant)',
      oneOf: [
        object({ paymentRef: text, ...credits }),
        object({
          reference: text,
          grantType: { type: 'string', enum: [...GRANT_TYPES] },
          ...credits,
          expiresAt: { type: 'string', format: 'date-time', nullable: true },
        }),
      ],
    },
  }),
  [ApiErrorCode.ReservationConflict]: object({ reservation: ref('Reservation') }),
  [ApiErrorCode.PriceBookConflict]: object({ published: ref('PublishedPriceBook') }),
  // Null when the server itself refused the body before reading it.
  [ApiErrorCode.PayloadTooLarge]: object({ limitBytes: { type: 'integer' } }, true),
  [ApiErrorCode.UnsupportedMediaType]: object({ contentType: { ...text, nullable: true } }, true),
};
