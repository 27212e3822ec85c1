// When a workspace runs out of credits at its current rate of use. Pure integer arithmetic on
// µcr and milliseconds: the same inputs always give the same answer, to the millisecond.
import { DAY_MS } from '@tally/contracts';

const DAY_MS_BIGINT = BigInt(DAY_MS);
/** Days of usage the rate is taken over once the period is that old. */
export const FORECAST_TRAILING_DAYS = 7;
/** A rate measured over less time than this is measured over this instead: a burst in the first
 * minutes of a period would otherwise predict exhaustion within the hour. */
export const FORECAST_WINDOW_MIN_MS = DAY_MS_BIGINT;

export type ForecastBasis =
  'trailing-7-days' | 'period-to-date' | 'no-usage' | 'no-plan' | 'exhausted';

/** Usage of one UTC day (`YYYY-MM-DD`), as the usage projection buckets it. */
export interface DailyUsage {
  day: string;
  totalMicro: bigint;
}

export interface ForecastInput {
  /** The instant the forecast is made for (ISO 8601). */
  now: string;
  /** The open period, or null before the first one. */
  period: { start: string; end: string } | null;
  totalAvailableMicro: bigint;
  /** Daily usage of the current period; days outside the rate window are ignored. */
  dailyUsage: readonly DailyUsage[];
}

export interface CreditsForecast {
  /** When total available reaches zero at this rate, if that is before the period ends. */
  exhaustsAt: string | null;
  willExhaustThisPeriod: boolean;
  /** µcr used per day at this rate (rounded up), as a decimal string. */
  dailyBurnMicro: string;
  basis: ForecastBasis;
}

function utcDayStartMs(ms: bigint): bigint {
  return ms - (((ms % DAY_MS_BIGINT) + DAY_MS_BIGINT) % DAY_MS_BIGINT);
}

function instantMs(iso: string, what: string): bigint {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new Error(`assertion failed: ${what} is not an instant: ${iso}`);
  return BigInt(ms);
}

function dayStartMs(day: string): bigint {
  return instantMs(`${day.slice(0, 10)}T00:00:00.000Z`, 'usage day');
}

function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  return (numerator + denominator - 1n) / denominator;
}

/** The rate window: the last 7 UTC days (today included) once the period is that old, else the period so far. */
function rateWindow(
  nowMs: bigint,
  periodStartMs: bigint,
): { fromMs: bigint; basis: ForecastBasis } {
  const trailingFromMs = utcDayStartMs(nowMs) - BigInt(FORECAST_TRAILING_DAYS - 1) * DAY_MS_BIGINT;
  return trailingFromMs >= periodStartMs
    ? { fromMs: trailingFromMs, basis: 'trailing-7-days' }
    : { fromMs: periodStartMs, basis: 'period-to-date' };
}

export function forecastCredits(input: ForecastInput): CreditsForecast {
  const nowMs = instantMs(input.now, 'now');
  if (input.period === null)
    return {
      exhaustsAt: null,
      willExhaustThisPeriod: false,
      dailyBurnMicro: '0',
      basis: 'no-plan',
    };
  const periodStartMs = instantMs(input.period.start, 'period start');
  const periodEndMs = instantMs(input.period.end, 'period end');
  const window = rateWindow(nowMs, periodStartMs);
  const firstDayMs = utcDayStartMs(window.fromMs);
  const periodFirstDayMs = utcDayStartMs(periodStartMs);
  let usedMicro = 0n;
  let periodUsedMicro = 0n;
  for (const usage of input.dailyUsage) {
    const dayMs = dayStartMs(usage.day);
    if (dayMs > nowMs || dayMs < periodFirstDayMs) continue;
    periodUsedMicro += usage.totalMicro;
    if (dayMs >= firstDayMs) usedMicro += usage.totalMicro;
  }
  const measuredMs = nowMs - window.fromMs;
  const windowMs = measuredMs > FORECAST_WINDOW_MIN_MS ? measuredMs : FORECAST_WINDOW_MIN_MS;
  const dailyBurnMicro = ceilDiv(usedMicro * DAY_MS_BIGINT, windowMs).toString();
  if (input.totalAvailableMicro <= 0n)
    return {
      exhaustsAt: input.now,
      willExhaustThisPeriod: true,
      dailyBurnMicro,
      basis: 'exhausted',
    };
  if (usedMicro === 0n) {
    const basis = periodUsedMicro > 0n ? window.basis : 'no-usage';
    return { exhaustsAt: null, willExhaustThisPeriod: false, dailyBurnMicro, basis };
  }
  // Time left at this rate = available ÷ (used ÷ window), floored to the millisecond.
  const leftMs = (input.totalAvailableMicro * windowMs) / usedMicro;
  if (nowMs + leftMs >= periodEndMs)
    return { exhaustsAt: null, willExhaustThisPeriod: false, dailyBurnMicro, basis: window.basis };
  return {
    exhaustsAt: new Date(Number(nowMs + leftMs)).toISOString(),
    willExhaustThisPeriod: true,
    dailyBurnMicro,
    basis: window.basis,
  };
}
