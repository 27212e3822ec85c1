import { parsePriceBookDocument, PriceBookDocument } from '@tally/contracts';
import {
  DEFAULT_PRICE_BOOK_DOCUMENT,
  defaultPriceBook,
  priceAction,
  PriceBook,
  priceBookAt,
  priceBookOf,
  RATE_SCALE,
} from './price-book';

const ai = (
  model: string,
  inputTokens: number,
  outputTokens: number,
  cachedInputTokens: number,
  cacheWriteInputTokens?: number,
) => ({
  kind: 'ai.generate',
  ai: { model, inputTokens, outputTokens, cachedInputTokens, cacheWriteInputTokens },
});

function book(overrides: Partial<PriceBookDocument>): PriceBook {
  const parsed = parsePriceBookDocument({ ...DEFAULT_PRICE_BOOK_DOCUMENT, ...overrides });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return priceBookOf(parsed.document);
}

// The rates of design.md section 7's example book for claude-sonnet-4.
const sonnetWithCacheAndLongContext = book({
  version: '2027-01',
  models: {
    'claude-sonnet-4': {
      input: '3',
      output: '15',
      cachedInput: '0.3',
      cacheWriteInput: '3.75',
      longContext: {
        aboveInputTokens: 200_000,
        input: '6',
        output: '22.5',
        cachedInput: '0.6',
        cacheWriteInput: '7.5',
      },
    },
  },
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
    const custom: PriceBook = {
      ...defaultPriceBook,
      version: 'custom-2',
      stepDefault: 7n * RATE_SCALE,
    };
    expect(priceAction({ kind: 'slack.post' }, custom)).toEqual({
      amountMicro: 7n,
      rule: 'step.default',
      priceBookVersion: 'custom-2',
      fallback: false,
    });
  });
});

describe("priceAction with cache writes and long context (a peer's cases)", () => {
  // Twenty's billing tests expect 9,630 and 982,500 µcr on these calls; the default book, which
  // knows neither cache writes nor long context, charges 8,880 and 495,000.
  it("prices cache writes at the model's cacheWriteInput rate", () => {
    const call = ai('claude-sonnet-4', 1_000, 300, 4_600, 200);
    expect(priceAction(call, sonnetWithCacheAndLongContext)).toMatchObject({
      amountMicro: 9_630n,
      rule: 'ai.generate:claude-sonnet-4',
      priceBookVersion: '2027-01',
    });
    expect(priceAction(call, defaultPriceBook).amountMicro).toBe(9_480n);
    expect(priceAction(ai('claude-sonnet-4', 1_000, 300, 4_600), defaultPriceBook)).toMatchObject({
      amountMicro: 8_880n,
    });
  });

  it('prices a call whose whole input exceeds the threshold at the long-context rates', () => {
    const call = ai('claude-sonnet-4', 150_000, 1_000, 100_000);
    expect(priceAction(call, sonnetWithCacheAndLongContext)).toMatchObject({
      amountMicro: 982_500n,
      rule: 'ai.generate:claude-sonnet-4:long-context',
    });
    expect(priceAction(call, defaultPriceBook).amountMicro).toBe(495_000n);
  });

  it("keeps the model's own rates at exactly the threshold, and counts cache writes in it", () => {
    const atThreshold = ai('claude-sonnet-4', 100_000, 0, 50_000, 50_000);
    expect(priceAction(atThreshold, sonnetWithCacheAndLongContext)).toMatchObject({
      amountMicro: 300_000n + 15_000n + 187_500n,
      rule: 'ai.generate:claude-sonnet-4',
    });
    const oneAbove = ai('claude-sonnet-4', 100_000, 0, 50_000, 50_001);
    expect(priceAction(oneAbove, sonnetWithCacheAndLongContext)).toMatchObject({
      amountMicro: 600_000n + 30_000n + 375_008n,
      rule: 'ai.generate:claude-sonnet-4:long-context',
    });
  });

  it('prices cache writes at the input rate when a model has no cacheWriteInput', () => {
    expect(priceAction(ai('gpt-4o', 0, 0, 0, 1_000), defaultPriceBook).amountMicro).toBe(2_500n);
    expect(priceAction(ai('mystery', 0, 0, 0, 1_000), defaultPriceBook)).toMatchObject({
      amountMicro: 15_000n,
      fallback: true,
    });
  });
});

describe('priceBookAt', () => {
  const january = book({ version: 'jan', effectiveAt: '2027-01-01T00:00:00.000Z' });
  const books = [defaultPriceBook, january];

  it('keeps the old book a millisecond before effectiveAt and takes the new one at it', () => {
    expect(priceBookAt(books, '2026-12-31T23:59:59.999Z').version).toBe(defaultPriceBook.version);
    expect(priceBookAt(books, '2027-01-01T00:00:00.000Z').version).toBe('jan');
    expect(priceBookAt(books, '2099-01-01T00:00:00.000Z').version).toBe('jan');
  });

  it('prices an instant before every book by the first', () => {
    expect(priceBookAt([january], '2026-01-01T00:00:00.000Z').version).toBe('jan');
  });
});
