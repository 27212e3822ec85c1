import { parseCreditsToMicro } from '@tally/contracts';
import type { ActionToPrice } from './workspace-credits.commands';

/**
 * Rates below one µcr (0.1 µcr per ms, 0.075 µcr per token) are held as integers scaled by
 * RATE_SCALE, i.e. in millionths of a µcr per unit. An action's price is summed exactly at
 * that scale and rounded up to a whole µcr once.
 */
export const RATE_SCALE = 1_000_000n;

/** A decimal rate string ("0.075") → scaled integer rate. Throws on a malformed constant. */
export function rate(decimal: string): bigint {
  const scaled = parseCreditsToMicro(decimal);
  if (scaled === null) throw new Error(`assertion failed: bad rate constant "${decimal}"`);
  return scaled;
}

/** USD per million tokens is exactly µcr per token. */
export interface AiModelRates {
  inputRate: bigint;
  outputRate: bigint;
  cachedInputRate: bigint;
}

export interface PriceBook {
  version: string;
  /** Any workflow step kind not otherwise listed. */
  stepDefaultMicro: bigint;
  flatMicroByKind: Readonly<Record<string, bigint>>;
  codeRun: { baseMicro: bigint; perMsRate: bigint };
  emailSend: { perRecipientMicro: bigint };
  aiModels: Readonly<Record<string, AiModelRates>>;
  aiFallback: AiModelRates;
}

export interface ActionPrice {
  amountMicro: bigint;
  rule: string;
  priceBookVersion: string;
  fallback: boolean;
}

function modelRates(input: string, output: string, cachedInput: string): AiModelRates {
  return { inputRate: rate(input), outputRate: rate(output), cachedInputRate: rate(cachedInput) };
}

export const defaultPriceBook: PriceBook = {
  version: '2026-01-default',
  stepDefaultMicro: 100n,
  flatMicroByKind: {
    'record.create': 100n,
    'record.update': 100n,
    'record.delete': 100n,
    'record.find': 100n,
    'http.request': 1000n,
    'web.search': 10000n,
  },
  codeRun: { baseMicro: 100n, perMsRate: rate('0.1') },
  emailSend: { perRecipientMicro: 300n },
  aiModels: {
    'gpt-4o': modelRates('2.5', '10', '1.25'),
    'gpt-4o-mini': modelRates('0.15', '0.6', '0.075'),
    'claude-sonnet-4': modelRates('3', '15', '0.3'),
    'claude-haiku-4': modelRates('1', '5', '0.1'),
  },
  aiFallback: modelRates('15', '75', '1.5'),
};

function ceilToMicro(scaled: bigint): bigint {
  return (scaled + RATE_SCALE - 1n) / RATE_SCALE;
}

/** Prices one executed action. Pure and total: every action gets a price and the rule used. */
export function priceAction(action: ActionToPrice, priceBook: PriceBook): ActionPrice {
  switch (action.kind) {
    case 'code.run': {
      const { baseMicro, perMsRate } = priceBook.codeRun;
      const scaled = baseMicro * RATE_SCALE + perMsRate * BigInt(action.durationMs ?? 0);
      return priced(ceilToMicro(scaled), 'code.run', priceBook, false);
    }
    case 'email.send':
      return priced(
        priceBook.emailSend.perRecipientMicro * BigInt(action.recipients ?? 0),
        'email.send',
        priceBook,
        false,
      );
    case 'ai.generate':
      return priceAi(action.ai, priceBook);
    default:
      if (Object.hasOwn(priceBook.flatMicroByKind, action.kind)) {
        return priced(
          priceBook.flatMicroByKind[action.kind] as bigint,
          action.kind,
          priceBook,
          false,
        );
      }
      return priced(priceBook.stepDefaultMicro, 'step.default', priceBook, false);
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

function tokenCost(tokens: number | undefined, rateScaled: bigint): bigint {
  return tokens === undefined || tokens === 0 ? 0n : BigInt(tokens) * rateScaled;
}

function priceAi(ai: ActionToPrice['ai'], priceBook: PriceBook): ActionPrice {
  // An ai.generate without usage cannot happen past the contract; if it does, it is still
  // recorded (the action ran), at zero tokens and flagged as fallback.
  const model = ai?.model ?? '';
  const known = Object.hasOwn(priceBook.aiModels, model);
  const rates = known ? (priceBook.aiModels[model] as AiModelRates) : priceBook.aiFallback;
  const scaled =
    tokenCost(ai?.inputTokens, rates.inputRate) +
    tokenCost(ai?.outputTokens, rates.outputRate) +
    tokenCost(ai?.cachedInputTokens, rates.cachedInputRate);
  return priced(
    ceilToMicro(scaled),
    known ? `ai.generate:${model}` : 'ai.generate:fallback',
    priceBook,
    !known,
  );
}
