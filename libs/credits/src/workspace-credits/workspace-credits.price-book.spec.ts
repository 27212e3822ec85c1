import { defaultPriceBook, priceAction, PriceBook } from './workspace-credits.price-book';

const ai = (
  model: string,
  inputTokens: number,
  outputTokens: number,
  cachedInputTokens: number,
) => ({
  kind: 'ai.generate',
  ai: { model, inputTokens, outputTokens, cachedInputTokens },
});

describe('priceAction with the default price book', () => {
  it.each([
    ['record.create', { kind: 'record.create' }, 100n, 'record.create'],
    ['record.update', { kind: 'record.update' }, 100n, 'record.update'],
    ['record.delete', { kind: 'record.delete' }, 100n, 'record.delete'],
    ['record.find', { kind: 'record.find' }, 100n, 'record.find'],
    ['an unlisted workflow step', { kind: 'slack.post' }, 100n, 'step.default'],
    ['http.request', { kind: 'http.request' }, 1000n, 'http.request'],
    ['web.search', { kind: 'web.search' }, 10000n, 'web.search'],
    ['code.run of 1200 ms', { kind: 'code.run', durationMs: 1200 }, 220n, 'code.run'],
    ['code.run of 0 ms', { kind: 'code.run', durationMs: 0 }, 100n, 'code.run'],
    ['code.run of 1 ms, rounded up', { kind: 'code.run', durationMs: 1 }, 101n, 'code.run'],
    ['code.run of 15 ms, rounded up', { kind: 'code.run', durationMs: 15 }, 102n, 'code.run'],
    ['email.send to 3 recipients', { kind: 'email.send', recipients: 3 }, 900n, 'email.send'],
    ['gpt-4o', ai('gpt-4o', 1200, 300, 0), 6000n, 'ai.generate:gpt-4o'],
    ['gpt-4o with cached input', ai('gpt-4o', 1, 1, 1), 14n, 'ai.generate:gpt-4o'],
    ['gpt-4o-mini', ai('gpt-4o-mini', 1000, 1000, 1000), 825n, 'ai.generate:gpt-4o-mini'],
    [
      'gpt-4o-mini rounding the sum up once',
      ai('gpt-4o-mini', 1, 1, 1),
      1n,
      'ai.generate:gpt-4o-mini',
    ],
    ['claude-sonnet-4', ai('claude-sonnet-4', 100, 100, 100), 1830n, 'ai.generate:claude-sonnet-4'],
    ['claude-haiku-4', ai('claude-haiku-4', 10, 10, 10), 61n, 'ai.generate:claude-haiku-4'],
    ['zero tokens', ai('gpt-4o', 0, 0, 0), 0n, 'ai.generate:gpt-4o'],
  ])('prices %s at its exact µcr', (_name, action, amountMicro, rule) => {
    expect(priceAction(action, defaultPriceBook)).toEqual({
      amountMicro,
      rule,
      priceBookVersion: defaultPriceBook.version,
      fallback: false,
    });
  });

  it('prices an unknown AI model at the fallback rate and says so', () => {
    expect(priceAction(ai('mystery-1', 100, 100, 100), defaultPriceBook)).toEqual({
      amountMicro: 9150n,
      rule: 'ai.generate:fallback',
      priceBookVersion: defaultPriceBook.version,
      fallback: true,
    });
  });

  it('does not match prototype keys as kinds or models', () => {
    expect(priceAction({ kind: 'constructor' }, defaultPriceBook).rule).toBe('step.default');
    expect(priceAction(ai('__proto__', 1, 0, 0), defaultPriceBook).fallback).toBe(true);
  });

  it('stays exact for token counts far beyond float precision', () => {
    const tokens = Number.MAX_SAFE_INTEGER;
    // 0.075 µcr × (2^53 − 1) = 675539944105574.325 → rounded up.
    expect(priceAction(ai('gpt-4o-mini', 0, 0, tokens), defaultPriceBook).amountMicro).toBe(
      675_539_944_105_575n,
    );
  });

  it('records the version of a configured price book', () => {
    const book: PriceBook = { ...defaultPriceBook, version: 'custom-2', stepDefaultMicro: 7n };
    expect(priceAction({ kind: 'slack.post' }, book)).toEqual({
      amountMicro: 7n,
      rule: 'step.default',
      priceBookVersion: 'custom-2',
      fallback: false,
    });
  });
});
