import { AMOUNT_MICRO_MAX } from './limits';

/** 1 credit = 1,000,000 µcr. */
export const MICRO_PER_CREDIT = 1_000_000n;

// At most 9 integer digits (below one billion credits) and at most 6 decimals: the
// decimals are exactly the µcr digits, so parsing never rounds.
export const CREDITS_PATTERN = /^(0|[1-9][0-9]{0,8})(?:\.([0-9]{1,6}))?$/;
export const MICRO_PATTERN = /^(0|[1-9][0-9]{0,17})$/;

/**
 * Parses a decimal credits string ("10", "0.5", "0.000001") into µcr exactly, with bigint
 * arithmetic. Returns null for anything else (signs, exponents, more than 6 decimals, spaces).
 */
export function parseCreditsToMicro(credits: string): bigint | null {
  const match = CREDITS_PATTERN.exec(credits);
  if (match === null) return null;
  const whole = BigInt(match[1] ?? '0');
  const fraction = BigInt((match[2] ?? '').padEnd(6, '0'));
  return whole * MICRO_PER_CREDIT + fraction;
}

/** Parses an integer µcr string ("5000000"). Returns null when not a bounded non-negative integer. */
export function parseMicro(micro: string): bigint | null {
  if (!MICRO_PATTERN.test(micro)) return null;
  const value = BigInt(micro);
  return value <= AMOUNT_MICRO_MAX ? value : null;
}

/** Formats µcr as the shortest exact credits string: 5000000n → "5", 500000n → "0.5". */
export function formatMicroAsCredits(micro: bigint): string {
  const sign = micro < 0n ? '-' : '';
  const magnitude = micro < 0n ? -micro : micro;
  const whole = magnitude / MICRO_PER_CREDIT;
  const fraction = (magnitude % MICRO_PER_CREDIT).toString().padStart(6, '0').replace(/0+$/, '');
  return fraction === '' ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}
