import {
  parseCreditsToMicro,
  parsePriceBookDocument,
  PriceBookDocument,
  TokenRatesDocument,
  ModelRatesDocument,
} from '@tally/contracts';
import type { ActionToPrice } from '../workspace-credits/workspace-credits.commands';
import defaultDocument from './2026-01-default.json';

/**
 * Every rate is held as an integer scaled by RATE_SCALE, i.e. in millionths of a µcr per unit
 * (a published rate has at most 6 decimals, so the scaling is exact). An action's price is
 * summed exactly at that scale and rounded up to a whole µcr once.
 */
export const RATE_SCALE = 1_000_000n;

/** µcr per token, scaled; USD per million tokens is exactly µcr per token. */
export interface TokenRates {
  input: bigint;
  output: bigint;
  cachedInput: bigint;
  cacheWriteInput: bigint;
}

export interface ModelRates extends TokenRates {
  /** Rates for an action whose input (fresh + cached + cache writes) exceeds `aboveInputTokens`. */
  longContext: { aboveInputTokens: number; rates: TokenRates } | null;
}

/** A published price book, rates scaled by RATE_SCALE. */
export interface PriceBook {
  version: string;
  /** Canonical instant; the book prices actions whose `occurredAt` is at or after it. */
  effectiveAt: string;
  /** Any workflow step kind not otherwise listed. */
  stepDefault: bigint;
  kinds: ReadonlyMap<string, bigint>;
  codeRun: { base: bigint; perMs: bigint };
  emailSend: { perRecipient: bigint };
  models: ReadonlyMap<string, ModelRates>;
  fallback: ModelRates;
}

export interface ActionPrice {
  amountMicro: bigint;
  rule: string;
  priceBookVersion: string;
  fallback: boolean;
}

function scaled(rate: string): bigint {
  const value = parseCreditsToMicro(rate);
  if (value === null) throw new Error(`assertion failed: unvalidated rate "${rate}"`);
  return value;
}

function tokenRatesOf(document: TokenRatesDocument): TokenRates {
  const input = scaled(document.input);
  return {
    input,
    output: scaled(document.output),
    cachedInput: scaled(document.cachedInput),
    cacheWriteInput:
      document.cacheWriteInput === undefined ? input : scaled(document.cacheWriteInput),
  };
}

function modelRatesOf(document: ModelRatesDocument): ModelRates {
  const { longContext } = document;
  return {
    ...tokenRatesOf(document),
    longContext:
      longContext === undefined
        ? null
        : { aboveInputTokens: longContext.aboveInputTokens, rates: tokenRatesOf(longContext) },
  };
}

/** The book a validated document describes (`parsePriceBookDocument` first). */
export function priceBookOf(document: PriceBookDocument): PriceBook {
  return {
    version: document.version,
    effectiveAt: document.effectiveAt,
    stepDefault: scaled(document.stepDefaultMicro),
    kinds: new Map(Object.entries(document.kinds).map(([kind, rate]) => [kind, scaled(rate)])),
    codeRun: {
      base: scaled(document.codeRun.baseMicro),
      perMs: scaled(document.codeRun.perMsMicro),
    },
    emailSend: { perRecipient: scaled(document.emailSend.perRecipientMicro) },
    models: new Map(
      Object.entries(document.models).map(([model, rates]) => [model, modelRatesOf(rates)]),
    ),
    fallback: modelRatesOf(document.fallback),
  };
}

function validated(document: unknown): PriceBookDocument {
  const parsed = parsePriceBookDocument(document);
  if (!parsed.ok)
    throw new Error(
      `assertion failed: the shipped price book is invalid: ${JSON.stringify(parsed.errors)}`,
    );
  return parsed.document;
}

/** The book shipped in `2026-01-default.json`: what a store with no published book starts from. */
export const DEFAULT_PRICE_BOOK_DOCUMENT: PriceBookDocument = validated(defaultDocument);
export const defaultPriceBook: PriceBook = priceBookOf(DEFAULT_PRICE_BOOK_DOCUMENT);

function ceilToMicro(value: bigint): bigint {
  return (value + RATE_SCALE - 1n) / RATE_SCALE;
}

/** Prices one executed action. Pure and total: every action gets a price and the rule used. */
export function priceAction(action: ActionToPrice, priceBook: PriceBook): ActionPrice {
  switch (action.kind) {
    case 'code.run': {
      const { base, perMs } = priceBook.codeRun;
      const amount = base + perMs * BigInt(action.durationMs ?? 0);
      return priced(ceilToMicro(amount), 'code.run', priceBook, false);
    }
    case 'email.send': {
      const amount = priceBook.emailSend.perRecipient * BigInt(action.recipients ?? 0);
      return priced(ceilToMicro(amount), 'email.send', priceBook, false);
    }
    case 'ai.generate':
      return priceAi(action.ai, priceBook);
    default: {
      const flat = priceBook.kinds.get(action.kind);
      if (flat !== undefined) return priced(ceilToMicro(flat), action.kind, priceBook, false);
      return priced(ceilToMicro(priceBook.stepDefault), 'step.default', priceBook, false);
    }
  }
}

function priced(
  amountMicro: bigint,
  rule: string,
  priceBook: PriceBook,
  fallback: boolean,
): ActionPrice {
  return { amountMicro, rule, priceBookVersion: priceBook.version, fallback };
}

function tokenCost(tokens: number | undefined, rate: bigint): bigint {
  return tokens === undefined || tokens === 0 ? 0n : BigInt(tokens) * rate;
}

/** The model's rates, or its long-context rates when the action's whole input exceeds their threshold. */
function ratesFor(model: ModelRates, ai: NonNullable<ActionToPrice['ai']>): TokenRates {
  const { longContext } = model;
  if (longContext === null) return model;
  const inputTokens =
    ai.inputTokens + (ai.cachedInputTokens ?? 0) + (ai.cacheWriteInputTokens ?? 0);
  return inputTokens > longContext.aboveInputTokens ? longContext.rates : model;
}

function priceAi(ai: ActionToPrice['ai'], priceBook: PriceBook): ActionPrice {
  // An ai.generate without usage cannot happen past the contract; if it does, it is still
  // recorded (the action ran), at zero tokens and flagged as fallback.
  if (ai === undefined) return priced(0n, 'ai.generate:fallback', priceBook, true);
  const model = priceBook.models.get(ai.model);
  const rates = ratesFor(model ?? priceBook.fallback, ai);
  const amount =
    tokenCost(ai.inputTokens, rates.input) +
    tokenCost(ai.outputTokens, rates.output) +
    tokenCost(ai.cachedInputTokens, rates.cachedInput) +
    tokenCost(ai.cacheWriteInputTokens, rates.cacheWriteInput);
  const rule = model === undefined ? 'ai.generate:fallback' : `ai.generate:${ai.model}`;
  const longContext = rates !== (model ?? priceBook.fallback);
  return priced(
    ceilToMicro(amount),
    longContext ? `${rule}:long-context` : rule,
    priceBook,
    model === undefined,
  );
}

/**
 * The book in force at an instant: the one with the latest `effectiveAt` at or before it.
 * `books` are in `effectiveAt` order (earliest first); before the first book, the first.
 * Instants are canonical ISO strings, so they compare as text.
 */
export function priceBookAt(books: readonly PriceBook[], occurredAt: string): PriceBook {
  for (let index = books.length - 1; index > 0; index -= 1) {
    const book = books[index] as PriceBook;
    if (book.effectiveAt <= occurredAt) return book;
  }
  const first = books[0];
  if (first === undefined) throw new Error('assertion failed: no price book');
  return first;
}
