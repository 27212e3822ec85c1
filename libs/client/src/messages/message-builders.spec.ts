import { parseInboundMessage } from '@tally/contracts';
import { aiUsageFromAnthropic, aiUsageFromOpenAi } from './ai-usage';
import { InvalidInputError } from './invalid-input.error';
import {
  actionExecuted,
  aiGenerate,
  creditPackPurchased,
  creditsGranted,
  subscriptionPeriodStarted,
} from './message-builders';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('message builders', () => {
  it('fills a uuid eventId, schemaVersion 1 and a canonical occurredAt of now', () => {
    const before = Date.now();
    const message = actionExecuted({
      workspaceId: 'ws-1',
      source: 'workflow',
      action: { kind: 'record.create' },
    });
    expect(message).toMatchObject({ type: 'ActionExecuted', schemaVersion: 1 });
    expect(message.eventId).toMatch(UUID);
    expect(Date.parse(message.occurredAt)).toBeGreaterThanOrEqual(before);
    expect(message.occurredAt).toBe(new Date(message.occurredAt).toISOString());
    expect(Object.isFrozen(message) && Object.isFrozen(message.action)).toBe(true);
  });

  it("keeps the caller's eventId and writes an instant with an offset in canonical UTC", () => {
    const message = actionExecuted({
      workspaceId: 'ws-1',
      eventId: 'run-7/step-3',
      occurredAt: '2026-11-25T11:00:00+01:00',
      source: 'workflow',
      action: { kind: 'code.run', durationMs: 15 },
      reservationId: 'run-7',
    });
    expect(message.eventId).toBe('run-7/step-3');
    expect(message.occurredAt).toBe('2026-11-25T10:00:00.000Z');
    expect(message.reservationId).toBe('run-7');
  });

  it('builds bytes the contracts parse to the same message', () => {
    const message = aiGenerate({
      workspaceId: 'ws-1',
      occurredAt: new Date('2026-11-25T10:00:00Z'),
      source: 'ai-agent',
      workflowRunId: 'run-1',
      ai: {
        model: 'claude-sonnet-4',
        inputTokens: 1000,
        outputTokens: 300,
        cachedInputTokens: 4600,
      },
    });
    const parsed = parseInboundMessage(JSON.stringify(message));
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        type: 'ActionExecuted',
        action: {
          kind: 'ai.generate',
          workflowRunId: 'run-1',
          ai: { inputTokens: 1000, cachedInputTokens: 4600, cacheWriteInputTokens: 0 },
        },
      },
    });
    expect(Object.keys(message.action)).toEqual(['kind', 'workflowRunId', 'ai']);
  });

  it('refuses a bad message at the caller with the contracts code and field', () => {
    const build = () =>
      actionExecuted({ workspaceId: 'ws-1', source: 'workflow', action: { kind: 'code.run' } });
    expect(build).toThrow(InvalidInputError);
    expect(build).toThrow(/durationMs/);
    expect(() =>
      aiGenerate({
        workspaceId: 'ws 1',
        source: 'ai-chat',
        ai: { model: 'gpt-4o', inputTokens: -1, outputTokens: 1 },
      }),
    ).toThrow(/workspaceId|inputTokens/);
    expect(() =>
      creditsGranted({
        workspaceId: 'ws-1',
        grantType: 'sales',
        credits: '1.0000001',
        reference: 'r',
      }),
    ).toThrow(InvalidInputError);
    expect(() =>
      actionExecuted({
        workspaceId: 'ws-1',
        occurredAt: new Date(Number.NaN),
        source: 'workflow',
        action: { kind: 'record.create' },
      }),
    ).toThrow(InvalidInputError);
  });

  it('builds the billing messages: period, pack, grant', () => {
    const period = subscriptionPeriodStarted({
      workspaceId: 'ws-1',
      cycle: 'monthly',
      periodStart: new Date('2026-11-01T00:00:00Z'),
      periodEnd: '2026-12-01T00:00:00Z',
      allocationMicro: 500_000_000n,
    });
    expect(period).toMatchObject({
      periodEnd: '2026-12-01T00:00:00.000Z',
      allocationMicro: '500000000',
    });
    const pack = creditPackPurchased({ workspaceId: 'ws-1', credits: '10', paymentRef: 'pay-1' });
    expect(pack).toMatchObject({ type: 'CreditPackPurchased', credits: '10' });
    expect(() =>
      subscriptionPeriodStarted({
        workspaceId: 'ws-1',
        cycle: 'monthly',
        periodStart: '2026-12-01T00:00:00Z',
        periodEnd: '2026-11-01T00:00:00Z',
      }),
    ).toThrow(/periodEnd/);
  });
});

describe('the token convention', () => {
  it('takes OpenAI cache reads out of prompt_tokens', () => {
    expect(
      aiUsageFromOpenAi('gpt-4o', {
        prompt_tokens: 5_000,
        completion_tokens: 700,
        prompt_tokens_details: { cached_tokens: 3_800 },
      }),
    ).toEqual({ model: 'gpt-4o', inputTokens: 1_200, outputTokens: 700, cachedInputTokens: 3_800 });
  });

  it('maps Anthropic usage as it is', () => {
    expect(
      aiUsageFromAnthropic('claude-sonnet-4', {
        input_tokens: 1_000,
        output_tokens: 300,
        cache_read_input_tokens: 4_600,
        cache_creation_input_tokens: 200,
      }),
    ).toEqual({
      model: 'claude-sonnet-4',
      inputTokens: 1_000,
      outputTokens: 300,
      cachedInputTokens: 4_600,
      cacheWriteInputTokens: 200,
    });
  });
});
