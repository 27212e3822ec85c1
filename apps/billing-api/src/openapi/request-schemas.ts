import type {
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import {
  PRICE_BOOK_ENTRIES_MAX,
  PRICE_BOOK_FIELDS,
  PRICE_BOOK_VERSION_PATTERN,
} from '@tally/contracts';

// The request bodies that have no class-validator DTO (the price book, the bus envelopes): their
// schemas, and the examples /docs shows. The server's own parsers stay the judges of a body.

type Schema = SchemaObject | ReferenceObject;

// The amounts the server takes, as patterns a generated client can check before sending: µcr
// integers up to AMOUNT_MICRO_MAX (10^15, parseMicro), and credits above zero with at most 6
// decimals (IsCreditsAmount).
export const MICRO_AMOUNT_PATTERN = '^(0|[1-9][0-9]{0,14}|1000000000000000)$';
export const POSITIVE_MICRO_AMOUNT_PATTERN = '^([1-9][0-9]{0,14}|1000000000000000)$';
export const POSITIVE_CREDITS_PATTERN = '^(?!0(\\.0+)?$)(0|[1-9][0-9]{0,8})(\\.[0-9]{1,6})?$';

const rate: SchemaObject = {
  type: 'string',
  pattern: '^\\d{1,9}(\\.\\d{1,6})?$',
  description: 'µcr per unit, a decimal string: 0 to 999999999.999999, at most 6 decimals',
  example: '2.5',
};

function rates(extra: Record<string, Schema> = {}): SchemaObject {
  return {
    type: 'object',
    additionalProperties: false,
    required: [
      'input',
      'output',
      'cachedInput',
      ...Object.keys(extra).filter((k) => k !== 'longContext'),
    ],
    properties: { input: rate, output: rate, cachedInput: rate, cacheWriteInput: rate, ...extra },
  };
}

const longContext: SchemaObject = rates({
  aboveInputTokens: { type: 'integer', minimum: 1, maximum: 300_000_000 },
});

/** The price book format of docs/pricing.md (design section 7). */
export const PRICE_BOOK_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'A price book (docs/pricing.md). Unknown fields are refused.',
  additionalProperties: false,
  required: [...PRICE_BOOK_FIELDS],
  properties: {
    version: { type: 'string', pattern: PRICE_BOOK_VERSION_PATTERN.source },
    effectiveAt: { type: 'string', format: 'date-time', description: 'not earlier than now' },
    stepDefaultMicro: rate,
    kinds: {
      type: 'object',
      maxProperties: PRICE_BOOK_ENTRIES_MAX,
      additionalProperties: rate,
      description: 'flat price per action kind; not code.run, email.send or ai.generate',
    },
    codeRun: {
      type: 'object',
      additionalProperties: false,
      required: ['baseMicro', 'perMsMicro'],
      properties: { baseMicro: rate, perMsMicro: rate },
    },
    emailSend: {
      type: 'object',
      additionalProperties: false,
      required: ['perRecipientMicro'],
      properties: { perRecipientMicro: rate },
    },
    models: {
      type: 'object',
      maxProperties: PRICE_BOOK_ENTRIES_MAX,
      additionalProperties: rates({ longContext }),
      description: 'per model name (1–200 printable ASCII characters)',
    },
    fallback: rates(),
  },
};

/**
 * The first instant of the month a year after the process started: an example instant that
 * stays in the future while a server runs. Only in media-type examples (which /docs sends, and
 * generated types leave out), never in schemas.
 */
const exampleMonth = (() => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear() + 1, now.getUTCMonth(), 1));
})();
export const EXAMPLE_FUTURE_INSTANT = exampleMonth.toISOString();

export const PRICE_BOOK_EXAMPLE = {
  version: EXAMPLE_FUTURE_INSTANT.slice(0, 7),
  effectiveAt: EXAMPLE_FUTURE_INSTANT,
  stepDefaultMicro: '100',
  kinds: { 'record.create': '100', 'http.request': '1000', 'web.search': '10000' },
  codeRun: { baseMicro: '100', perMsMicro: '0.1' },
  emailSend: { perRecipientMicro: '300' },
  models: {
    'gpt-4o': { input: '2.5', output: '10', cachedInput: '1.25' },
    'claude-sonnet-4': {
      input: '3',
      output: '15',
      cachedInput: '0.3',
      cacheWriteInput: '3.75',
      longContext: {
        aboveInputTokens: 200000,
        input: '6',
        output: '22.5',
        cachedInput: '0.6',
        cacheWriteInput: '7.5',
      },
    },
  },
  fallback: { input: '15', output: '75', cachedInput: '1.5' },
};

export const ACTION_EXECUTED_EXAMPLE = {
  type: 'ActionExecuted',
  eventId: 'run-42-step-1',
  schemaVersion: 1,
  occurredAt: '2026-11-25T10:00:00Z',
  workspaceId: 'ws-1',
  source: 'workflow',
  action: { kind: 'record.create', workflowId: 'wf-1' },
};
