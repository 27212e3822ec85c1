import fc from 'fast-check';
import { defaultPriceBook, priceAction } from '@tally/credits';
import { ContractErrorCode } from './contract-error-code';
import type { InboundMessage } from './inbound-message';
import { instantMsOf } from './instants';
import { isStorableText } from './json-shape';
import {
  AMOUNT_MICRO_MAX,
  DURATION_MS_MAX,
  IDENTIFIER_LENGTH_MAX,
  INSTANT_MAX_MS,
  INSTANT_MIN_MS,
  PAYLOAD_SIZE_MAX_BYTES,
  RECIPIENTS_MAX,
  TOKENS_MAX,
} from './limits';
import { ACTION_KIND_PATTERN, ACTION_SOURCES } from './messages/action-executed.message';
import { WORKSPACE_ID_PATTERN } from './messages/envelope';
import { BILLING_CYCLES, GRANT_TYPES } from './messages/subscription.messages';
import { parseInboundMessage, ParseResult, validateInboundObject } from './parse-inbound-message';

// The fuzz tier at the contract boundary (issue 12): whatever arrives — any JSON value, any
// JavaScript value, any text or bytes, valid messages of all four types mutated field by field —
// the parser answers without throwing, refuses with a code and a sentence, and accepts only
// values every store and every price can hold. TALLY_FUZZ_SEED replays another run.

const seed = Number(process.env['TALLY_FUZZ_SEED'] ?? 20_261_125);
const runs = (numRuns: number): fc.Parameters<unknown> => ({ seed, numRuns });

const ERROR_CODES = new Set<string>(Object.values(ContractErrorCode));
const utf8 = new TextEncoder();

function assert(condition: boolean, what: string, value?: unknown): void {
  if (condition) return;
  throw new Error(
    `${what}: ${JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? `${v}n` : v))}`,
  );
}

// --- What a verdict must look like ----------------------------------------------------------

const isId = (value: unknown, lengthMax = IDENTIFIER_LENGTH_MAX): boolean =>
  typeof value === 'string' &&
  value.length >= 1 &&
  value.length <= lengthMax &&
  isStorableText(value);
const isCount = (value: unknown, max: number): boolean =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max;
const isAmount = (value: unknown, min: bigint): boolean =>
  typeof value === 'bigint' && value >= min && value <= AMOUNT_MICRO_MAX;
const isCanonicalInstant = (value: unknown): boolean => {
  const ms = instantMsOf(value);
  return (
    ms !== null &&
    ms >= INSTANT_MIN_MS &&
    ms < INSTANT_MAX_MS &&
    new Date(ms).toISOString() === value
  );
};
const isOneOf = (value: unknown, allowed: readonly string[]): boolean =>
  typeof value === 'string' && allowed.includes(value);

/** Every string and key anywhere in the value is storable, and every object a plain one. */
function assertPlainAndStorable(value: unknown, path: string): void {
  if (typeof value === 'string')
    assert(isStorableText(value), `unstorable string at ${path}`, value);
  if (typeof value !== 'object' || value === null) return;
  assert(Object.getPrototypeOf(value) === Object.prototype, `not a plain object at ${path}`);
  for (const [key, item] of Object.entries(value)) {
    assert(isStorableText(key), `unstorable key at ${path}`, key);
    assertPlainAndStorable(item, `${path}.${key}`);
  }
}

function assertKeys(value: object, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(value))
    assert(allowed.includes(key), `${what} carries ${key}`, value);
}

const ENVELOPE_KEYS = ['eventId', 'schemaVersion', 'occurredAt', 'workspaceId', 'type'];
const ACTION_KEYS = [
  'kind',
  'workflowId',
  'workflowRunId',
  'stepId',
  'durationMs',
  'recipients',
  'ai',
];

function assertAction(message: Extract<InboundMessage, { type: 'ActionExecuted' }>): void {
  const { action } = message;
  assertKeys(message, [...ENVELOPE_KEYS, 'source', 'action'], 'ActionExecuted');
  assertKeys(action, ACTION_KEYS, 'action');
  assert(isOneOf(message.source, ACTION_SOURCES), 'bad source', message.source);
  assert(isId(action.kind, 100) && ACTION_KIND_PATTERN.test(action.kind), 'bad kind', action.kind);
  for (const id of [action.workflowId, action.workflowRunId, action.stepId])
    assert(id === undefined || isId(id), 'bad id', id);
  assert(
    action.durationMs === undefined || isCount(action.durationMs, DURATION_MS_MAX),
    'durationMs out of bounds',
    action,
  );
  assert(
    action.recipients === undefined || isCount(action.recipients, RECIPIENTS_MAX),
    'recipients out of bounds',
    action,
  );
  if (action.ai !== undefined) {
    const { model, inputTokens, outputTokens, cachedInputTokens } = action.ai;
    assert(isId(model), 'bad model', model);
    for (const tokens of [inputTokens, outputTokens, cachedInputTokens])
      assert(isCount(tokens, TOKENS_MAX), 'tokens out of bounds', action.ai);
  }
  const price = priceAction(action, defaultPriceBook).amountMicro;
  assert(price >= 0n && price <= AMOUNT_MICRO_MAX, 'price outside the amount limit', {
    price,
    action,
  });
}

function assertAccepted(message: InboundMessage): void {
  assertPlainAndStorable(message, 'value');
  assert(isId(message.eventId) && message.schemaVersion === 1, 'bad envelope', message);
  assert(
    isCanonicalInstant(message.occurredAt),
    'occurredAt not canonical or outside the window',
    message.occurredAt,
  );
  assert(WORKSPACE_ID_PATTERN.test(message.workspaceId), 'bad workspaceId', message.workspaceId);
  switch (message.type) {
    case 'ActionExecuted':
      return assertAction(message);
    case 'SubscriptionPeriodStarted':
      assertKeys(
        message,
        [...ENVELOPE_KEYS, 'cycle', 'periodStart', 'periodEnd', 'allocationMicro'],
        message.type,
      );
      assert(isOneOf(message.cycle, BILLING_CYCLES), 'bad cycle', message.cycle);
      assert(
        isCanonicalInstant(message.periodStart) && isCanonicalInstant(message.periodEnd),
        'bad period instants',
        message,
      );
      assert(message.periodStart < message.periodEnd, 'period ends before it starts', message);
      assert(
        message.allocationMicro === undefined || isAmount(message.allocationMicro, 0n),
        'allocation out of bounds',
        message,
      );
      return;
    case 'CreditPackPurchased':
      assertKeys(message, [...ENVELOPE_KEYS, 'creditsMicro', 'paymentRef'], message.type);
      assert(isAmount(message.creditsMicro, 1n) && isId(message.paymentRef), 'bad pack', message);
      return;
    case 'CreditsGranted':
      assertKeys(
        message,
        [...ENVELOPE_KEYS, 'grantType', 'creditsMicro', 'reference', 'expiresAt'],
        message.type,
      );
      assert(isOneOf(message.grantType, GRANT_TYPES), 'bad grantType', message.grantType);
      assert(isAmount(message.creditsMicro, 1n) && isId(message.reference), 'bad grant', message);
      assert(
        message.expiresAt === undefined || isCanonicalInstant(message.expiresAt),
        'bad expiresAt',
        message.expiresAt,
      );
      return;
    default: {
      const unreachable: never = message;
      throw new Error(`assertion failed: unknown type ${JSON.stringify(unreachable)}`);
    }
  }
}

const tally = { accepted: 0, refused: 0 };

/** One verdict: a refusal with a known code and a sentence, or a storable, bounded value. */
function checkVerdict(result: ParseResult): ParseResult {
  if (result.ok) {
    tally.accepted += 1;
    assertAccepted(result.value);
  } else {
    tally.refused += 1;
    assert(ERROR_CODES.has(result.code), 'unknown refusal code', result.code);
    assert(
      typeof result.message === 'string' && result.message.length > 0,
      'refusal without a message',
      result,
    );
  }
  return result;
}

// --- Hostile ingredients --------------------------------------------------------------------

const EDGE_STRINGS = [
  '',
  ' ',
  '*',
  'null',
  'NaN',
  '{}',
  '[]',
  '\u0000',
  '\uD800',
  '\uDFFF',
  'a\uD800b',
  '\uDC00\uD800',
  '\uFEFF',
  '\u2028',
  '2026-11-25T10:00:00.000Z',
  '2026-11-25T10:00:00+01:00',
  '2026-11-25T10:00Z',
  '2026-11-25',
  '2026-11-25T10:00:00',
  '1999-12-31T23:59:59.999Z',
  '2000-01-01T00:00:00.000Z',
  '2000-01-01T00:30:00+01:00',
  '2099-12-31T23:59:59.999Z',
  '2100-01-01T00:00:00.000Z',
  '2099-12-31T23:30:00-01:00',
  '0000-01-01T00:00:00Z',
  '+002026-01-01T00:00:00Z',
  '2026-02-29T00:00:00Z',
  '2024-02-29T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-01-01T24:00:00Z',
  '2026-12-31T23:59:60Z',
  '2026-01-01T00:00:00.123456789Z',
  '2026-01-01T00:00:00.1234567891Z',
  '2026-01-01t00:00:00z',
  '2026-01-01 00:00:00Z',
  '2026-01-01T00:00:00+24:00',
  '2026-01-01T00:00:00+23:59',
  '2026-01-01T00:00:00-00:00',
  '0',
  '-0',
  '00',
  '1',
  '-1',
  '0.5',
  '0.000001',
  '0.0000001',
  '10',
  '500',
  '1e3',
  '1.',
  '.5',
  ' 10',
  '10 ',
  '١٠',
  '１０',
  '999999999.999999',
  '1000000000',
  '999999999999999999',
  '1000000000000000000',
  '1000000000000000001',
  '18446744073709551616',
  'ActionExecuted',
  'SubscriptionPeriodStarted',
  'CreditPackPurchased',
  'CreditsGranted',
  'actionexecuted',
  'CreditsLow',
  'workflow',
  'ai-agent',
  'ai-chat',
  'monthly',
  'yearly',
  'compensation',
  'onboarding',
  'sales',
  'record.create',
  'code.run',
  'email.send',
  'ai.generate',
  'web.search',
  'constructor',
  'Record.Create',
  'a..b',
  'a.',
  '.a',
  'gpt-4o',
  'claude-sonnet-4',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'x'.repeat(100),
  'x'.repeat(101),
  'w'.repeat(128),
  'w'.repeat(129),
  'x'.repeat(200),
  'x'.repeat(201),
  '-ws',
  'ws id',
  '../ws',
  'ws/1',
  'ws%00',
];

const EDGE_NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  -1.5,
  1e-7,
  5e-324,
  2,
  1200,
  1e21,
  1e308,
  -1e308,
  Number.MAX_VALUE,
  Number.MIN_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  Number.MAX_SAFE_INTEGER + 2,
  2 ** 63,
  2 ** 64,
  1.0000000000000002,
  TOKENS_MAX,
  TOKENS_MAX + 1,
  DURATION_MS_MAX,
  DURATION_MS_MAX + 1,
  RECIPIENTS_MAX,
  RECIPIENTS_MAX + 1,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];

const hostileUnit = fc.oneof(
  fc.constantFrom(
    '\u0000',
    '\uD800',
    '\uDBFF',
    '\uDC00',
    '\uDFFF',
    '\uD83D\uDE00',
    '\uFEFF',
    '"',
    '\\',
    '\n',
    '€',
    'é',
  ),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
);

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: hostileUnit, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: hostileUnit, minLength: 190, maxLength: 215 }) },
);

/** The value wrapped `depth` times in arrays or objects, built without recursion. */
function nested(depth: number, inArrays: boolean, inner: unknown): unknown {
  let value = inner;
  for (let level = 0; level < depth; level += 1) value = inArrays ? [value] : { a: value };
  return value;
}

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: fc.oneof(fc.constantFrom(...EDGE_NUMBERS), fc.integer(), fc.double()) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      null,
      undefined,
      true,
      false,
      [],
      {},
      [{}],
      { kind: 'record.create' },
      [{ kind: 'record.create' }],
    ),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 50 }), fc.boolean(), fc.jsonValue({ maxDepth: 1 }))
      .map(([depth, inArrays, inner]) => nested(depth, inArrays, inner)),
  },
);

// --- Valid messages of the four types -------------------------------------------------------

/** An instant as a producer may write it: UTC or an offset, to the millisecond, second or minute. */
function instantText(ms: number, offsetMinutes: number, precision: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, precision);
  if (offsetMinutes === 0) return `${local}Z`;
  const magnitude = Math.abs(offsetMinutes);
  const zone = `${String(Math.floor(magnitude / 60)).padStart(2, '0')}:${String(magnitude % 60).padStart(2, '0')}`;
  return `${local}${offsetMinutes < 0 ? '-' : '+'}${zone}`;
}

const instantMs = fc.integer({ min: INSTANT_MIN_MS, max: INSTANT_MAX_MS - 1 });
const offsetMinutes = fc.oneof(
  fc.constant(0),
  fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
);
const instant = fc
  .tuple(instantMs, offsetMinutes, fc.constantFrom(23, 19, 16))
  .map(([ms, offset, precision]) => instantText(ms, offset, precision));
const identifier = fc.oneof(
  fc.uuid(),
  fc.string({ minLength: 1, maxLength: IDENTIFIER_LENGTH_MAX }),
);
const credits = fc.oneof(
  fc.constantFrom('10', '50', '100', '500', '0.5', '0.000001', '999999999.999999'),
  fc
    .tuple(fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 1, max: 999_999 }))
    .map(([whole, fraction]) => `${whole}.${String(fraction).padStart(6, '0')}`),
);

const envelope = (type: string) => ({
  eventId: identifier,
  type: fc.constant(type),
  schemaVersion: fc.constant(1),
  occurredAt: instant,
  workspaceId: fc.oneof(fc.uuid(), fc.stringMatching(WORKSPACE_ID_PATTERN)),
});

const aiUsage = fc.record(
  {
    model: fc.oneof(
      fc.constantFrom(
        'gpt-4o',
        'gpt-4o-mini',
        'claude-sonnet-4',
        'claude-haiku-4',
        '__proto__',
        'toString',
      ),
      identifier,
    ),
    inputTokens: fc.integer({ min: 0, max: TOKENS_MAX }),
    outputTokens: fc.integer({ min: 0, max: TOKENS_MAX }),
    cachedInputTokens: fc.integer({ min: 0, max: TOKENS_MAX }),
  },
  { requiredKeys: ['model', 'inputTokens', 'outputTokens'] },
);

const KINDS = [
  'record.create',
  'http.request',
  'code.run',
  'email.send',
  'ai.generate',
  'web.search',
  'constructor',
];
const actionFields = fc.record(
  {
    kind: fc.oneof(
      fc.constantFrom(...KINDS),
      fc.stringMatching(ACTION_KIND_PATTERN).filter((kind) => kind.length <= 100),
    ),
    workflowId: identifier,
    workflowRunId: identifier,
    stepId: identifier,
    durationMs: fc.integer({ min: 0, max: DURATION_MS_MAX }),
    recipients: fc.integer({ min: 0, max: RECIPIENTS_MAX }),
    ai: aiUsage,
  },
  { requiredKeys: ['kind'] },
);

// The field a kind is priced by is always there for that kind, and sometimes for others.
const action = fc
  .tuple(
    actionFields,
    fc.integer({ min: 0, max: DURATION_MS_MAX }),
    fc.integer({ min: 0, max: RECIPIENTS_MAX }),
    aiUsage,
  )
  .map(([fields, durationMs, recipients, ai]) => ({
    ...fields,
    ...(fields.kind === 'code.run' && fields.durationMs === undefined ? { durationMs } : {}),
    ...(fields.kind === 'email.send' && fields.recipients === undefined ? { recipients } : {}),
    ...(fields.kind === 'ai.generate' && fields.ai === undefined ? { ai } : {}),
  }));

const actionExecuted = fc.record({
  ...envelope('ActionExecuted'),
  source: fc.constantFrom(...ACTION_SOURCES),
  action,
});

const periodBoundMs = fc.integer({ min: INSTANT_MIN_MS, max: INSTANT_MAX_MS - 2 });
const periodStarted = fc
  .record({
    ...envelope('SubscriptionPeriodStarted'),
    cycle: fc.constantFrom(...BILLING_CYCLES),
    bounds: fc.tuple(periodBoundMs, periodBoundMs),
    allocationMicro: fc.option(fc.bigInt({ min: 0n, max: AMOUNT_MICRO_MAX }), { nil: undefined }),
  })
  .map(({ bounds, allocationMicro, ...rest }) => ({
    ...rest,
    periodStart: new Date(Math.min(...bounds)).toISOString(),
    periodEnd: new Date(Math.max(...bounds) + 1).toISOString(),
    ...(allocationMicro === undefined ? {} : { allocationMicro: allocationMicro.toString() }),
  }));

const packPurchased = fc.record({
  ...envelope('CreditPackPurchased'),
  credits,
  paymentRef: identifier,
});

const creditsGranted = fc.record(
  {
    ...envelope('CreditsGranted'),
    grantType: fc.constantFrom(...GRANT_TYPES),
    credits,
    reference: identifier,
    expiresAt: instant,
  },
  {
    requiredKeys: [
      'eventId',
      'type',
      'schemaVersion',
      'occurredAt',
      'workspaceId',
      'grantType',
      'credits',
      'reference',
    ],
  },
);

const validMessage: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  actionExecuted,
  periodStarted,
  packPurchased,
  creditsGranted,
);

// --- Mutations ------------------------------------------------------------------------------

const MUTATIONS = [
  'set',
  'delete',
  'wrapInArray',
  'asString',
  'asNumber',
  'extraKey',
  'nest',
] as const;

interface Mutation {
  op: (typeof MUTATIONS)[number];
  pick: number;
  value: unknown;
  key: string;
  depth: number;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom(...MUTATIONS),
  pick: fc.nat(),
  value: hostileValue,
  key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype'), hostileString),
  depth: fc.integer({ min: 1, max: 40 }),
});

type Slot = { parent: Record<string, unknown>; key: string };

// Messages are three levels deep; nothing below a hostile nested value is worth a mutation.
const SLOT_DEPTH_MAX = 4;

function slotsOf(value: unknown, slots: Slot[] = [], depth = 0): Slot[] {
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    depth >= SLOT_DEPTH_MAX
  )
    return slots;
  for (const key of Object.keys(value)) {
    slots.push({ parent: value as Record<string, unknown>, key });
    slotsOf((value as Record<string, unknown>)[key], slots, depth + 1);
  }
  return slots;
}

/** An own property even for `__proto__`, as JSON.parse makes it. */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function mutated(message: Record<string, unknown>, mutations: Mutation[]): Record<string, unknown> {
  const copy = structuredClone(message);
  for (const { op, pick, value, key, depth } of mutations) {
    const slots = slotsOf(copy);
    const { parent, key: name } = slots[pick % slots.length] as Slot;
    const current = parent[name];
    // A copy: constants are shared between samples, and a later mutation may reach inside.
    const fresh: unknown = structuredClone(value);
    if (op === 'delete') delete parent[name];
    else if (op === 'extraKey') defineOwn(parent, key, fresh);
    else defineOwn(parent, name, replacement(op, current, fresh, depth));
  }
  return copy;
}

function replacement(
  op: Exclude<Mutation['op'], 'delete' | 'extraKey'>,
  current: unknown,
  value: unknown,
  depth: number,
): unknown {
  switch (op) {
    case 'set':
      return value;
    case 'wrapInArray':
      return [current];
    case 'asString':
      return typeof current === 'object' ? JSON.stringify(current) : String(current);
    case 'asNumber':
      return Number(current);
    case 'nest':
      return nested(depth, depth % 2 === 0, current);
    default: {
      const unreachable: never = op;
      throw new Error(`assertion failed: unknown mutation ${String(unreachable)}`);
    }
  }
}

const mutatedMessage = fc
  .tuple(validMessage, fc.array(mutation, { maxLength: 4 }))
  .map(([message, mutations]) => mutated(message, mutations));

/** True when JSON text cannot carry the value as it is (undefined, NaN, ±Infinity). */
function isLossyInJson(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (value === undefined) return true;
  return typeof value === 'object' && value !== null && Object.values(value).some(isLossyInJson);
}

/** Both doors on one value: the parsed object, and its JSON text (what the API and Kafka carry). */
function checkBothDoors(value: unknown): void {
  const asObject = checkVerdict(validateInboundObject(value));
  const text = JSON.stringify(value);
  if (text === undefined) return;
  const asText = checkVerdict(parseInboundMessage(text));
  if (utf8.encode(text).byteLength > PAYLOAD_SIZE_MAX_BYTES || isLossyInJson(value)) return;
  const same =
    asObject.ok === asText.ok && (asObject.ok || asText.ok || asObject.code === asText.code);
  assert(same, 'the object and its text get different verdicts', { asObject, asText });
}

// --- The properties -------------------------------------------------------------------------

describe('the contract boundary under fuzzing', () => {
  afterAll(() => {
    // Not vacuous: the generated messages reach the accepting path as well as the refusing one.
    expect(tally.accepted).toBeGreaterThan(1_000);
    expect(tally.refused).toBeGreaterThan(1_000);
  });

  it('answers every JSON value without throwing, by object and by text (3,000 runs)', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 12 }), checkBothDoors), runs(3_000));
  });

  it('answers any JavaScript value at all without throwing (2,000 runs)', () => {
    const anything = fc.anything({
      maxDepth: 10,
      stringUnit: hostileUnit,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withBigInt: true,
      withDate: true,
      withTypedArray: true,
      withSparseArray: true,
      withNullPrototype: true,
      withObjectString: true,
    });
    fc.assert(
      fc.property(anything, (value) => void checkVerdict(validateInboundObject(value))),
      runs(2_000),
    );
  });

  it('accepts only storable, bounded, priceable values from mutated messages of all four types (6,000 runs)', () => {
    fc.assert(fc.property(mutatedMessage, checkBothDoors), runs(6_000));
  });

  it('accepts every valid message of all four types as a storable value priced within the limit (2,000 runs)', () => {
    fc.assert(
      fc.property(validMessage, (message) => {
        const result = checkVerdict(parseInboundMessage(JSON.stringify(message)));
        // An offset can carry a local time just inside the window to an instant just outside it.
        const inWindow = [message['occurredAt'], message['expiresAt']].every(
          (value) => value === undefined || instantMsOf(value) !== null,
        );
        if (inWindow) assert(result.ok, 'a valid message was refused', { message, result });
      }),
      runs(2_000),
    );
  });

  it('refuses values nested up to 20,000 deep by the shape check, without exhausting the stack (300 runs)', () => {
    const deep = fc.tuple(
      actionExecuted,
      fc.integer({ min: 9, max: 20_000 }),
      fc.boolean(),
      fc.constantFrom('value', 'action', 'ai'),
    );
    fc.assert(
      fc.property(deep, ([message, depth, inArrays, where]) => {
        const hostile =
          where === 'value'
            ? nested(depth, inArrays, message)
            : where === 'action'
              ? { ...message, action: nested(depth, inArrays, message.action) }
              : { ...message, action: { ...message.action, ai: nested(depth, inArrays, {}) } };
        const result = checkVerdict(validateInboundObject(hostile));
        assert(
          !result.ok && result.code === ContractErrorCode.ValidationFailed,
          'a deep value was not refused',
          depth,
        );
        checkVerdict(
          parseInboundMessage(
            `${(inArrays ? '[' : '{"a":').repeat(depth)}1${(inArrays ? ']' : '}').repeat(depth)}`,
          ),
        );
      }),
      runs(300),
    );
  });

  it('answers any text without throwing: random, hostile and mutated JSON text (3,000 runs)', () => {
    const insertion = fc.constantFrom(
      '\\u0000',
      '\\ud800',
      '\\udc00',
      '1e400',
      '-0',
      '"',
      '{',
      ']',
      '\u0000',
      '\ud800',
      '',
      '0'.repeat(400),
    );
    const mutatedText = fc
      .tuple(validMessage, fc.nat(), insertion, fc.nat({ max: 3 }))
      .map(([message, at, insert, cut]) => {
        const text = JSON.stringify(message);
        const index = at % (text.length + 1);
        return `${text.slice(0, index)}${insert}${text.slice(index + cut)}`;
      });
    const text = fc.oneof(
      fc.json({ maxDepth: 6 }),
      fc.string({ unit: hostileUnit, maxLength: 300 }),
      mutatedText,
    );
    fc.assert(
      fc.property(text, (raw) => void checkVerdict(parseInboundMessage(raw))),
      runs(3_000),
    );
  });

  it('answers any bytes without throwing: random, invalid UTF-8 and mutated messages (3,000 runs)', () => {
    const badSequence = fc.constantFrom(
      [0xc0, 0x80],
      [0xed, 0xa0, 0x80],
      [0xff],
      [0xef, 0xbb, 0xbf],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
    );
    const edit = fc.tuple(
      fc.nat(),
      fc.oneof(
        fc.integer({ min: 0, max: 255 }).map((byte) => [byte]),
        badSequence,
      ),
    );
    const mutatedBytes = fc
      .tuple(validMessage, fc.array(edit, { maxLength: 3 }))
      .map(([message, edits]) => {
        const bytes = [...utf8.encode(JSON.stringify(message))];
        for (const [at, insert] of edits) bytes.splice(at % (bytes.length + 1), 1, ...insert);
        return Uint8Array.from(bytes);
      });
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 2_000 }), mutatedBytes);
    fc.assert(
      fc.property(bytes, (raw) => void checkVerdict(parseInboundMessage(raw))),
      runs(3_000),
    );
  });

  it('refuses exactly the messages over the size limit, counting UTF-8 bytes of any width (200 runs)', () => {
    const padded = fc
      .tuple(
        actionExecuted,
        fc.constantFrom('x', 'é', '€', '\uD83D\uDE00'),
        fc.integer({ min: -300, max: 300 }),
      )
      .map(([message, unit, slack]) => {
        const base = utf8.encode(JSON.stringify({ ...message, padding: '' })).byteLength;
        const units = Math.max(
          0,
          Math.floor((PAYLOAD_SIZE_MAX_BYTES - base + slack) / utf8.encode(unit).byteLength),
        );
        return JSON.stringify({ ...message, padding: unit.repeat(units) });
      });
    fc.assert(
      fc.property(padded, (text) => {
        const within = utf8.encode(text).byteLength <= PAYLOAD_SIZE_MAX_BYTES;
        for (const raw of [text, utf8.encode(text)]) {
          const result = checkVerdict(parseInboundMessage(raw));
          const tooLarge = !result.ok && result.code === ContractErrorCode.PayloadTooLarge;
          assert(within !== tooLarge, 'the size limit was misjudged', {
            bytes: utf8.encode(text).byteLength,
          });
        }
      }),
      runs(200),
    );
  });
});
