import { ContractErrorCode } from './contract-error-code';
import { formatMicroAsCredits, parseCreditsToMicro } from './credits-amount';
import { ACTION_KIND_LENGTH_MAX, PAYLOAD_SIZE_MAX_BYTES, WORKSPACE_ID_LENGTH_MAX } from './limits';
import { WORKSPACE_ID_RULE } from './messages/envelope';
import { acceptActionExecutedFast } from './action-executed.fast-path';
import {
  parseInboundMessage,
  ParseResult,
  validateInboundObject,
  validateWithClasses,
} from './parse-inbound-message';
import { dlqTopicOf, Topics } from './topics';

const envelope = {
  eventId: '8a6f0000-0000-4000-8000-000000000001',
  schemaVersion: 1,
  occurredAt: '2026-11-25T10:00:00.000Z',
  workspaceId: '0f1c0000-0000-4000-8000-000000000002',
};

const actionExecuted = {
  ...envelope,
  type: 'ActionExecuted',
  source: 'workflow',
  action: {
    kind: 'ai.generate',
    workflowId: 'wf-1',
    ai: { model: 'gpt-4o', inputTokens: 1200, outputTokens: 300, cachedInputTokens: 0 },
  },
};

function parse(value: unknown): ParseResult {
  return parseInboundMessage(JSON.stringify(value));
}

function expectRefused(result: ParseResult, code: ContractErrorCode): void {
  expect(result.ok).toBe(false);
  if (!result.ok) {
    expect(result.code).toBe(code);
    expect(result.message.length).toBeGreaterThan(0);
  }
}

describe('parseInboundMessage', () => {
  it('accepts an ActionExecuted v1 and returns a plain typed value', () => {
    const result = parse(actionExecuted);
    expect(result).toEqual({
      ok: true,
      value: {
        ...envelope,
        type: 'ActionExecuted',
        source: 'workflow',
        action: {
          kind: 'ai.generate',
          workflowId: 'wf-1',
          ai: {
            model: 'gpt-4o',
            inputTokens: 1200,
            outputTokens: 300,
            cachedInputTokens: 0,
            cacheWriteInputTokens: 0,
          },
        },
      },
    });
    if (result.ok) expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
  });

  it('accepts bytes as well as strings', () => {
    expect(parseInboundMessage(new TextEncoder().encode(JSON.stringify(actionExecuted))).ok).toBe(
      true,
    );
  });

  it('defaults missing cachedInputTokens and cacheWriteInputTokens to 0 and drops unknown fields', () => {
    const result = parse({
      ...actionExecuted,
      extra: 1,
      action: { ...actionExecuted.action, ai: { model: 'x', inputTokens: 1, outputTokens: 2 } },
    });
    expect(result.ok && result.value.type === 'ActionExecuted' && result.value.action.ai).toEqual({
      model: 'x',
      inputTokens: 1,
      outputTokens: 2,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
    expect(result.ok && 'extra' in result.value).toBe(false);
  });

  it('converts a period start, normalising instants to UTC and allocationMicro to bigint', () => {
    const result = parse({
      ...envelope,
      type: 'SubscriptionPeriodStarted',
      cycle: 'yearly',
      periodStart: '2026-02-01T01:00:00+01:00',
      periodEnd: '2027-02-01T00:00:00Z',
      allocationMicro: '50000000',
    });
    expect(result.ok && result.value).toMatchObject({
      type: 'SubscriptionPeriodStarted',
      periodStart: '2026-02-01T00:00:00.000Z',
      periodEnd: '2027-02-01T00:00:00.000Z',
      allocationMicro: 50_000_000n,
    });
  });

  it('converts pack credits exactly to µcr', () => {
    const result = parse({
      ...envelope,
      type: 'CreditPackPurchased',
      credits: '10.000001',
      paymentRef: 'pay-1',
    });
    expect(result.ok && result.value).toMatchObject({
      creditsMicro: 10_000_001n,
      paymentRef: 'pay-1',
    });
  });

  it('converts a grant with and without expiresAt', () => {
    const grant = {
      ...envelope,
      type: 'CreditsGranted',
      grantType: 'sales',
      credits: '0.5',
      reference: 'g-1',
    };
    const withExpiry = parse({ ...grant, expiresAt: '2026-12-01T00:00:00Z' });
    expect(withExpiry.ok && withExpiry.value).toMatchObject({
      creditsMicro: 500_000n,
      expiresAt: '2026-12-01T00:00:00.000Z',
    });
    const without = parse(grant);
    expect(without.ok && 'expiresAt' in without.value).toBe(false);
  });

  it('counts identifiers in UTF-16 code units: variation selectors do not slip past the limit', () => {
    const padded = `a${'\uFE0F'.repeat(200)}`; // class-validator's Length would count 1
    const grant = { ...envelope, type: 'CreditsGranted', grantType: 'sales', credits: '1' };
    expectRefused(parse({ ...grant, reference: padded }), ContractErrorCode.ValidationFailed);
    expectRefused(
      parse({ ...actionExecuted, eventId: padded }),
      ContractErrorCode.ValidationFailed,
    );
    expect(parse({ ...grant, reference: 'a'.repeat(200) }).ok).toBe(true);
  });

  it('refuses malformed JSON', () => {
    expectRefused(parseInboundMessage('{"eventId": '), ContractErrorCode.MalformedJson);
  });

  it('refuses bytes that are not UTF-8', () => {
    expectRefused(
      parseInboundMessage(new Uint8Array([0x7b, 0xff, 0x7d])),
      ContractErrorCode.MalformedJson,
    );
  });

  it('refuses a payload over the size limit, as string or bytes', () => {
    const padded = JSON.stringify({
      ...actionExecuted,
      padding: 'x'.repeat(PAYLOAD_SIZE_MAX_BYTES),
    });
    expectRefused(parseInboundMessage(padded), ContractErrorCode.PayloadTooLarge);
    expectRefused(
      parseInboundMessage(new TextEncoder().encode(padded)),
      ContractErrorCode.PayloadTooLarge,
    );
    const multiByte = JSON.stringify({
      ...actionExecuted,
      padding: 'é'.repeat(PAYLOAD_SIZE_MAX_BYTES / 2 + 10),
    });
    expectRefused(parseInboundMessage(multiByte), ContractErrorCode.PayloadTooLarge);
  });

  it('refuses an unknown type', () => {
    expectRefused(
      parse({ ...actionExecuted, type: 'ActionExploded' }),
      ContractErrorCode.UnknownType,
    );
  });

  it('refuses an unsupported schemaVersion', () => {
    expectRefused(
      parse({ ...actionExecuted, schemaVersion: 2 }),
      ContractErrorCode.UnsupportedSchemaVersion,
    );
  });

  it.each([
    ['a missing eventId', { ...actionExecuted, eventId: undefined }],
    ['an empty eventId', { ...actionExecuted, eventId: '' }],
    ['a missing type', { ...actionExecuted, type: undefined }],
    ['a string schemaVersion', { ...actionExecuted, schemaVersion: '1' }],
    ['a date-only occurredAt', { ...actionExecuted, occurredAt: '2026-11-25' }],
    ['a nonsense occurredAt', { ...actionExecuted, occurredAt: 'yesterday' }],
    ['a workspaceId of *', { ...actionExecuted, workspaceId: '*' }],
    ['an unknown source', { ...actionExecuted, source: 'cron' }],
    ['a missing action', { ...actionExecuted, action: undefined }],
    ['a numeric action kind', { ...actionExecuted, action: { kind: 7 } }],
    [
      'negative tokens',
      {
        ...actionExecuted,
        action: { kind: 'ai.generate', ai: { model: 'gpt-4o', inputTokens: -1, outputTokens: 0 } },
      },
    ],
    [
      'fractional tokens',
      {
        ...actionExecuted,
        action: { kind: 'ai.generate', ai: { model: 'gpt-4o', inputTokens: 1.5, outputTokens: 0 } },
      },
    ],
    [
      'string tokens',
      {
        ...actionExecuted,
        action: {
          kind: 'ai.generate',
          ai: { model: 'gpt-4o', inputTokens: '10', outputTokens: 0 },
        },
      },
    ],
    [
      'tokens beyond a safe integer',
      {
        ...actionExecuted,
        action: {
          kind: 'ai.generate',
          ai: { model: 'gpt-4o', inputTokens: 2 ** 60, outputTokens: 0 },
        },
      },
    ],
    ['ai.generate without usage', { ...actionExecuted, action: { kind: 'ai.generate' } }],
    ['code.run without durationMs', { ...actionExecuted, action: { kind: 'code.run' } }],
    ['a negative durationMs', { ...actionExecuted, action: { kind: 'code.run', durationMs: -5 } }],
    ['email.send without recipients', { ...actionExecuted, action: { kind: 'email.send' } }],
    [
      'a deeply nested ai',
      {
        ...actionExecuted,
        action: {
          kind: 'ai.generate',
          ai: { model: { a: { b: {} } }, inputTokens: 1, outputTokens: 1 },
        },
      },
    ],
  ])('refuses an ActionExecuted with %s', (_name, message) => {
    expectRefused(parse(message), ContractErrorCode.ValidationFailed);
  });

  it.each([
    ['a number', 10],
    ['a negative amount', '-1'],
    ['zero', '0'],
    ['more than 6 decimals', '0.0000001'],
    ['an exponent', '1e3'],
    ['a leading plus', '+5'],
    ['spaces', ' 5'],
    ['a trailing dot', '5.'],
    ['a billion credits', '1000000000'],
  ])('refuses pack credits given as %s', (_name, credits) => {
    expectRefused(
      parse({ ...envelope, type: 'CreditPackPurchased', credits, paymentRef: 'p' }),
      ContractErrorCode.ValidationFailed,
    );
  });

  it('refuses a period that ends before it starts, and an allocationMicro that is not an integer string', () => {
    const period = {
      ...envelope,
      type: 'SubscriptionPeriodStarted',
      cycle: 'monthly',
      periodStart: '2026-03-01T00:00:00Z',
      periodEnd: '2026-02-01T00:00:00Z',
    };
    expectRefused(parse(period), ContractErrorCode.ValidationFailed);
    const fixed = { ...period, periodEnd: '2026-04-01T00:00:00Z' };
    expect(parse(fixed).ok).toBe(true);
    expectRefused(
      parse({ ...fixed, allocationMicro: 5000000 }),
      ContractErrorCode.ValidationFailed,
    );
    expectRefused(parse({ ...fixed, allocationMicro: '1.5' }), ContractErrorCode.ValidationFailed);
    expectRefused(parse({ ...fixed, cycle: 'weekly' }), ContractErrorCode.ValidationFailed);
  });

  it('refuses a grant with an unknown grantType or a bad expiresAt', () => {
    const grant = {
      ...envelope,
      type: 'CreditsGranted',
      grantType: 'sales',
      credits: '1',
      reference: 'r',
    };
    expectRefused(parse({ ...grant, grantType: 'gift' }), ContractErrorCode.ValidationFailed);
    expectRefused(parse({ ...grant, expiresAt: 'soon' }), ContractErrorCode.ValidationFailed);
  });

  it('accepts exactly the workspace ids its rule describes, and refuses the others with that rule', () => {
    const ok = ['a', '7', 'A'.repeat(WORKSPACE_ID_LENGTH_MAX), 'acme.eu:prod_1-2'];
    const bad = ['', '-a', '.a', ':a', '_a', 'A'.repeat(WORKSPACE_ID_LENGTH_MAX + 1), 'a b', 'a/b'];
    for (const workspaceId of ok) expect(parse({ ...actionExecuted, workspaceId }).ok).toBe(true);
    for (const workspaceId of bad) {
      const result = parse({ ...actionExecuted, workspaceId });
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.details).toContainEqual({
          path: 'workspaceId',
          messages: [WORKSPACE_ID_RULE],
        });
    }
    expect(WORKSPACE_ID_RULE).toContain(`1 to ${WORKSPACE_ID_LENGTH_MAX} characters`);
  });

  it('accepts an action kind up to its length limit, on the fast path and the classes alike', () => {
    const kindOf = (length: number): string => `a.${'b'.repeat(length - 2)}`;
    const withKind = (kind: string) => ({ ...actionExecuted, action: { kind } });
    const longest = withKind(kindOf(ACTION_KIND_LENGTH_MAX));
    const tooLong = withKind(kindOf(ACTION_KIND_LENGTH_MAX + 1));
    expect(acceptActionExecutedFast(longest)).not.toBeNull();
    expect(validateWithClasses(longest).ok).toBe(true);
    expect(acceptActionExecutedFast(tooLong)).toBeNull();
    expectRefused(validateWithClasses(tooLong), ContractErrorCode.ValidationFailed);
  });

  it('reports each invalid field with its path', () => {
    const result = parse({
      ...actionExecuted,
      eventId: undefined,
      action: { kind: 'ai.generate', ai: { model: 'm', inputTokens: -1, outputTokens: 0 } },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      const paths = (result.details as { path: string }[]).map((issue) => issue.path);
      expect(paths).toEqual(expect.arrayContaining(['eventId', 'action.ai.inputTokens']));
    }
  });
});

describe('validateInboundObject', () => {
  it.each([null, 42, 'text', [actionExecuted]])(
    'refuses %p as not an object without throwing',
    (value) => {
      expectRefused(validateInboundObject(value), ContractErrorCode.ValidationFailed);
    },
  );

  it('refuses __proto__ and constructor keys instead of dropping them silently', () => {
    for (const key of ['__proto__', 'constructor']) {
      const hostile = JSON.parse(
        `{"${key}": {"polluted": true}, ${JSON.stringify(actionExecuted).slice(1)}`,
      ) as unknown;
      expectRefused(validateInboundObject(hostile), ContractErrorCode.ValidationFailed);
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

// Issue 12: every reproduction of a message that passed the boundary and later stopped a
// projection, froze a topic or moved money wrongly.
describe('the boundary refuses what once got through', () => {
  const withAction = (action: unknown): unknown => ({ ...actionExecuted, action });
  const aiUsage = { model: 'gpt-4o', inputTokens: 1, outputTokens: 1 };

  it.each([
    ['an empty array', []],
    ['an array holding an action', [{ kind: 'record.create' }]],
  ])('refuses an action that is %s', (_name, action) => {
    expectRefused(validateInboundObject(withAction(action)), ContractErrorCode.ValidationFailed);
  });

  it('refuses ai given as an array on ai.generate', () => {
    expectRefused(
      validateInboundObject(withAction({ kind: 'ai.generate', ai: [] })),
      ContractErrorCode.ValidationFailed,
    );
    expectRefused(
      validateInboundObject(withAction({ kind: 'ai.generate', ai: [aiUsage] })),
      ContractErrorCode.ValidationFailed,
    );
  });

  it.each([
    '0000-01-01T00:00:00Z',
    '1999-12-31T23:59:59Z',
    '2100-01-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-01-01T23:59:60Z',
    '2026-01-01T24:00:00Z',
  ])('refuses occurredAt %s (outside the calendar or the accepted window)', (occurredAt) => {
    expectRefused(
      validateInboundObject({ ...actionExecuted, occurredAt }),
      ContractErrorCode.ValidationFailed,
    );
  });

  it('refuses token counts whose price could overflow a daily sum', () => {
    const huge = Number.MAX_SAFE_INTEGER;
    const action = {
      kind: 'ai.generate',
      ai: { model: 'gpt-4o', inputTokens: huge, outputTokens: huge, cachedInputTokens: huge },
    };
    expectRefused(validateInboundObject(withAction(action)), ContractErrorCode.ValidationFailed);
  });

  it.each([
    ['a NUL', 'a\u0000b'],
    ['a lone high surrogate', 'x\ud800'],
    ['a lone low surrogate', '\udc00x'],
  ])('refuses %s in eventId, on the object and the raw-bytes path', (_name, eventId) => {
    expectRefused(
      validateInboundObject({ ...actionExecuted, eventId }),
      ContractErrorCode.ValidationFailed,
    );
    expectRefused(parse({ ...actionExecuted, eventId }), ContractErrorCode.ValidationFailed);
  });

  it('refuses a NUL in a pack paymentRef and a grant reference', () => {
    const pack = {
      ...envelope,
      type: 'CreditPackPurchased',
      credits: '10',
      paymentRef: 'pay\u0000',
    };
    const grant = {
      ...envelope,
      type: 'CreditsGranted',
      grantType: 'sales',
      credits: '1',
      reference: 'r\ud800',
    };
    expectRefused(validateInboundObject(pack), ContractErrorCode.ValidationFailed);
    expectRefused(validateInboundObject(grant), ContractErrorCode.ValidationFailed);
  });

  it('refuses null for an optional field instead of treating it as absent', () => {
    const grant = {
      ...envelope,
      type: 'CreditsGranted',
      grantType: 'sales',
      credits: '1',
      reference: 'r',
      expiresAt: null,
    };
    expectRefused(validateInboundObject(grant), ContractErrorCode.ValidationFailed);
  });

  it('refuses nesting deeper than the limit without exhausting the stack', () => {
    let deep: unknown = {};
    for (let level = 0; level < 10_000; level += 1) deep = { next: deep };
    expectRefused(
      validateInboundObject({ ...actionExecuted, extra: deep }),
      ContractErrorCode.ValidationFailed,
    );
    expectRefused(
      parseInboundMessage(`${'['.repeat(10_000)}${']'.repeat(10_000)}`),
      ContractErrorCode.ValidationFailed,
    );
  });
});

describe('credits amounts', () => {
  it.each([
    ['10', 10_000_000n],
    ['0.5', 500_000n],
    ['0.000001', 1n],
    ['999999999.999999', 999_999_999_999_999n],
  ])('parses %s credits exactly', (credits, micro) => {
    expect(parseCreditsToMicro(credits)).toBe(micro);
    expect(formatMicroAsCredits(micro)).toBe(credits);
  });

  it('formats whole and negative amounts without trailing zeros', () => {
    expect(formatMicroAsCredits(5_000_000n)).toBe('5');
    expect(formatMicroAsCredits(-1_500_000n)).toBe('-1.5');
    expect(formatMicroAsCredits(0n)).toBe('0');
  });
});

describe('topics', () => {
  it('derives the DLQ topic by suffix', () => {
    expect(dlqTopicOf(Topics.actionExecuted)).toBe('credits.action-executed.v1.dlq');
  });
});
