import fc from 'fast-check';
import { acceptActionExecutedFast } from './action-executed.fast-path';
import { validateWithClasses } from './parse-inbound-message';

// Values that are valid somewhere and invalid elsewhere, so mutations probe every boundary.
const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(0, 1, 1.5, -1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1_000_001),
  fc.constantFrom(
    '',
    'x',
    'gpt-4o',
    'record.create',
    'code.run',
    'email.send',
    'ai.generate',
    'Bad Kind',
    '*',
    'workflow',
    'ai-chat',
  ),
  fc.constantFrom(
    '2026-11-25T10:00:00.000Z',
    '2026-11-25T10:00:00+01:00',
    '2026-11-25',
    'yesterday',
  ),
  fc.string({ maxLength: 210 }),
  fc.constant({}),
  fc.constant([]),
  fc.constant({ model: 'gpt-4o', inputTokens: 1, outputTokens: 2 }),
);

const kind = fc.constantFrom(
  'record.create',
  'http.request',
  'code.run',
  'email.send',
  'ai.generate',
  'web.search',
  'custom.step',
);

const validMessage = fc.record(
  {
    eventId: fc.uuid(),
    type: fc.constant('ActionExecuted'),
    schemaVersion: fc.constant(1),
    occurredAt: fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((date) => date.toISOString()),
    workspaceId: fc.uuid(),
    source: fc.constantFrom('workflow', 'ai-agent', 'ai-chat'),
    action: fc.record(
      {
        kind,
        workflowId: fc.string({ minLength: 1, maxLength: 20 }),
        durationMs: fc.nat({ max: 1_000_000 }),
        recipients: fc.nat({ max: 100 }),
        ai: fc.record(
          {
            model: fc.constantFrom('gpt-4o', 'claude-haiku-4', 'mystery'),
            inputTokens: fc.nat(),
            outputTokens: fc.nat(),
            cachedInputTokens: fc.nat(),
            cacheWriteInputTokens: fc.nat(),
          },
          { requiredKeys: ['model', 'inputTokens', 'outputTokens'] },
        ),
      },
      { requiredKeys: ['kind'] },
    ),
    reservationId: fc.stringMatching(/^[A-Za-z0-9._:-]{1,40}$/),
  },
  {
    requiredKeys: [
      'eventId',
      'type',
      'schemaVersion',
      'occurredAt',
      'workspaceId',
      'source',
      'action',
    ],
  },
);

const fieldPaths = [
  ['eventId'],
  ['type'],
  ['schemaVersion'],
  ['occurredAt'],
  ['workspaceId'],
  ['source'],
  ['action'],
  ['action', 'kind'],
  ['action', 'workflowId'],
  ['action', 'stepId'],
  ['action', 'durationMs'],
  ['action', 'recipients'],
  ['action', 'ai'],
  ['action', 'ai', 'model'],
  ['action', 'ai', 'inputTokens'],
  ['action', 'ai', 'outputTokens'],
  ['action', 'ai', 'cachedInputTokens'],
  ['action', 'ai', 'cacheWriteInputTokens'],
  ['reservationId'],
] as const;

function mutate(
  message: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(message);
  let target: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    if (typeof next !== 'object' || next === null) return copy;
    target = next as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

describe('ActionExecuted fast path', () => {
  it('accepts only what the class-based validation accepts, with the identical value', () => {
    const mutated = fc.tuple(
      validMessage,
      fc.array(fc.tuple(fc.constantFrom(...fieldPaths), anyValue), { maxLength: 3 }),
    );
    fc.assert(
      fc.property(mutated, ([message, mutations]) => {
        const input = mutations.reduce(
          (current, [path, value]) => mutate(current, path, value),
          message as Record<string, unknown>,
        );
        const fast = acceptActionExecutedFast(input);
        if (fast === null) return;
        const full = validateWithClasses(input);
        expect(full).toEqual({ ok: true, value: fast });
      }),
      { numRuns: 3_000 },
    );
  });

  it('takes every valid generated message without the slow path', () => {
    fc.assert(
      fc.property(validMessage, (message) => {
        const full = validateWithClasses(message);
        const fast = acceptActionExecutedFast(message);
        expect(fast === null).toBe(!full.ok);
        if (full.ok) expect(fast).toEqual(full.value);
      }),
      { numRuns: 1_000 },
    );
  });
});
