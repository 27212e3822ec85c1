import { INSTANT_MAX_MS, INSTANT_MIN_MS } from './limits';

// An instant with a date, a time and an explicit zone. Date-only strings are refused because
// "2026-02-01" means a different instant in every time zone.
const INSTANT_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// Date.parse rolls over what the calendar does not have (Feb 30 becomes Mar 2) and accepts
// 24:00 and leap seconds differently across engines; every field is checked first instead.
function isCalendarDate(year: string, month: string, day: string): boolean {
  const m = Number(month);
  return m >= 1 && m <= 12 && Number(day) >= 1 && Number(day) <= daysInMonth(Number(year), m);
}

function isInWindow(ms: number): boolean {
  return Number.isFinite(ms) && ms >= INSTANT_MIN_MS && ms < INSTANT_MAX_MS;
}

/** Milliseconds of a strict ISO 8601 instant inside the accepted window, or null. */
export function instantMsOf(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = INSTANT_PATTERN.exec(value);
  if (match === null) return null;
  const [, year, month, day, hour, minute, second, , offsetHour, offsetMinute] = match;
  if (!isCalendarDate(year as string, month as string, day as string)) return null;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? '0') > 59) return null;
  if (offsetHour !== undefined && (Number(offsetHour) > 23 || Number(offsetMinute) > 59))
    return null;
  const ms = Date.parse(value);
  return isInWindow(ms) ? ms : null;
}

export function isInstant(value: unknown): value is string {
  return instantMsOf(value) !== null;
}

/** Canonical UTC form, so instants compare as strings and round-trip through storage. */
export function canonicalInstant(value: string): string {
  const ms = instantMsOf(value);
  if (ms === null)
    throw new Error(`assertion failed: "${value.slice(0, 40)}" is not a validated instant`);
  return new Date(ms).toISOString();
}

/** Milliseconds of a strict UTC day (`2026-11-25`) inside the accepted window, or null. */
export function utcDayMsOf(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = DAY_PATTERN.exec(value);
  if (match === null || !isCalendarDate(match[1] as string, match[2] as string, match[3] as string))
    return null;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return isInWindow(ms) ? ms : null;
}
