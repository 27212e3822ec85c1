import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type {
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { API_ERROR_STATUS, ApiErrorCode } from '../errors/api-error-code';
import { ERROR_DETAILS } from './error-details-schemas';
import { PRICE_BOOK_EXAMPLE } from './request-schemas';

type Schema = SchemaObject | ReferenceObject;

// One decorator documents the error answers of a route: the codes it can return, grouped by
// their status (the one table in api-error-code.ts), each with the shared error body whose
// `code` is narrowed to those codes, and an example per code.

const ERROR_MESSAGES: Partial<Record<ApiErrorCode, string>> = {
  [ApiErrorCode.ValidationFailed]: 'the request is not valid: see details, one entry per field',
  [ApiErrorCode.MalformedJson]: 'request body is not valid JSON',
  [ApiErrorCode.MalformedRequest]: 'the request target is not valid',
  [ApiErrorCode.HeadersTooLarge]: 'the request head is larger than 16 KiB',
  [ApiErrorCode.InvalidWorkspaceId]: 'the workspace id is not valid',
  [ApiErrorCode.Unauthenticated]: 'missing bearer token',
  [ApiErrorCode.InsufficientScope]:
    'this route needs the scope its security requirement names (x-required-scopes)',
  [ApiErrorCode.InvalidPackSize]: 'credits must be one of the pack sizes 10, 50, 100, 500',
  [ApiErrorCode.CommandRejected]: 'the ledger refused the command: see details.reason',
  [ApiErrorCode.TooManyEvents]: 'send 1 to 1000 envelopes',
  [ApiErrorCode.IdempotencyConflict]:
    'paymentRef pay-1 was already applied with other content: see details.applied',
  [ApiErrorCode.ReservationConflict]:
    'reservation run-42 was made for 75000000 µcr, not 80000000: see details.reservation',
  [ApiErrorCode.PriceBookConflict]:
    'price book version 2027-01 is already published with other content: see details.published',
  [ApiErrorCode.PriceBookRetroactive]:
    'effectiveAt 2020-01-01T00:00:00.000Z is earlier than now: a book never reprices the past',
  [ApiErrorCode.WorkspaceForbidden]: 'this token is for another workspace',
  [ApiErrorCode.NotFound]: 'no reservation run-42 in workspace ws-1',
  [ApiErrorCode.PayloadTooLarge]: 'request body is too large',
  [ApiErrorCode.UnsupportedMediaType]: 'request body must be application/json',
  [ApiErrorCode.RateLimited]:
    'too many requests: at most 1000 a second from one client; retry after the seconds Retry-After gives',
  [ApiErrorCode.Unavailable]: 'the identity provider keys cannot be fetched; retry',
};

/** Examples of `details` for the codes that carry them (the rest: null). */
const ERROR_DETAIL_EXAMPLES: Partial<Record<ApiErrorCode, unknown>> = {
  [ApiErrorCode.ValidationFailed]: [
    { path: 'x', messages: ['not a query parameter of this route'] },
  ],
  [ApiErrorCode.TooManyEvents]: { count: 0, limit: 1000 },
  [ApiErrorCode.InsufficientScope]: { required: 'credits:reserve' },
  [ApiErrorCode.InvalidPackSize]: { packSizes: ['10', '50', '100', '500'] },
  [ApiErrorCode.CommandRejected]: { reason: 'LIVE_RESERVATIONS_LIMIT_REACHED' },
  [ApiErrorCode.IdempotencyConflict]: {
    applied: { paymentRef: 'pay-1', credits: '50', creditsMicro: '50000000' },
  },
  [ApiErrorCode.ReservationConflict]: {
    reservation: {
      reservationId: 'run-42',
      workspaceId: 'ws-1',
      status: 'held',
      amountMicro: '75000000',
      spentMicro: '0',
      heldMicro: '75000000',
      expiresAt: '2026-11-25T10:15:00.000Z',
      createdAt: '2026-11-25T10:00:00.000Z',
      endedAt: null,
    },
  },
  [ApiErrorCode.PriceBookConflict]: {
    published: { ...PRICE_BOOK_EXAMPLE, publishedAt: '2026-12-01T09:00:00.000Z' },
  },
  [ApiErrorCode.PayloadTooLarge]: { limitBytes: 2097152 },
  [ApiErrorCode.UnsupportedMediaType]: { contentType: 'text/plain' },
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request',
  401: 'No valid token',
  403: 'The token may not call this route',
  404: 'Not found',
  409: 'Conflicts with what was applied',
  413: 'Body too large',
  415: 'Body is not UTF-8 JSON',
  429: 'Too many requests',
  431: 'Request head too large',
  500: 'Internal error',
  503: 'Unavailable',
};

// The rate limiter's answer says when to come back; every answer it let through carries
// X-RateLimit-Limit, -Remaining and -Reset (docs/api.md, *Rate limit*).
const RETRY_AFTER = {
  'Retry-After': {
    description: 'seconds until this client may call again',
    schema: { type: 'integer' as const, minimum: 0 },
  },
};

function errorResponse(status: number, codes: readonly ApiErrorCode[]): MethodDecorator {
  const examples = Object.fromEntries(
    codes.map((code) => [
      code,
      {
        value: {
          code,
          message: ERROR_MESSAGES[code] ?? code.toLowerCase(),
          details: ERROR_DETAIL_EXAMPLES[code] ?? null,
        },
      },
    ]),
  );
  return ApiResponse({
    status,
    description: `${STATUS_TEXT[status] ?? 'Error'}: ${codes.map((code) => `\`${code}\``).join(', ')}`,
    ...(status === 429 ? { headers: RETRY_AFTER } : {}),
    content: { 'application/json': { schema: errorSchemaOf(codes), examples } },
  });
}

// OpenAPI 3.0 has no null type: a nullable object whose only value is null.
const ALWAYS_NULL: SchemaObject = {
  type: 'object',
  nullable: true,
  enum: [null],
  description: 'null for this code',
};

/** The shared error body, its `code` one of these, its `details` what each of them sends. */
function errorSchemaOf(codes: readonly ApiErrorCode[]): SchemaObject {
  const withCode = (allowed: readonly ApiErrorCode[], details?: Schema): SchemaObject => ({
    allOf: [
      { $ref: '#/components/schemas/ApiError' },
      {
        type: 'object',
        required: ['code', 'details'],
        properties: {
          code: { type: 'string', enum: [...allowed] },
          details: details ?? ALWAYS_NULL,
        },
      },
    ],
  });
  if (codes.length === 1) return withCode(codes, ERROR_DETAILS[codes[0] as ApiErrorCode]);
  return { oneOf: codes.map((code) => withCode([code], ERROR_DETAILS[code])) };
}

/** Documents the error answers of a route from the codes it can return. */
export function ApiErrors(...codes: ApiErrorCode[]): MethodDecorator {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = API_ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, grouped]) => errorResponse(status, grouped)),
  ) as MethodDecorator;
}

/**
 * Every route behind a token: refused tokens and scopes, the rate limit, a JWKS that is down,
 * and what the HTTP server itself answers for any route (a request head over 16 KiB, a request
 * line it cannot parse).
 */
export const AUTH_ERRORS = [
  ApiErrorCode.Unauthenticated,
  ApiErrorCode.InsufficientScope,
  ApiErrorCode.RateLimited,
  ApiErrorCode.Unavailable,
  ApiErrorCode.HeadersTooLarge,
  ApiErrorCode.MalformedRequest,
] as const;

/**
 * Routes under /v1/workspaces/{id}: the id's form, tokens for another workspace, and a path
 * parameter that is not valid percent-encoding (`VALIDATION_FAILED`).
 */
export const WORKSPACE_ERRORS = [
  ...AUTH_ERRORS,
  ApiErrorCode.InvalidWorkspaceId,
  ApiErrorCode.WorkspaceForbidden,
  ApiErrorCode.ValidationFailed,
] as const;

/** Routes that read a JSON body. */
export const BODY_ERRORS = [
  ApiErrorCode.ValidationFailed,
  ApiErrorCode.MalformedJson,
  ApiErrorCode.PayloadTooLarge,
  ApiErrorCode.UnsupportedMediaType,
] as const;
