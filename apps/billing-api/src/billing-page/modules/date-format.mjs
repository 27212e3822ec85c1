// Periods and usage buckets are UTC instants from the billing system, so days are shown in UTC;
// statement times are shown in the reader's own time zone.

export const DAY_MS = 86_400_000;

export const dayFormat = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});
export const dayYearFormat = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
});
export const timeFormat = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** The UTC day of an instant, as `YYYY-MM-DD`. */
export function utcDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** "Nov 1 – Nov 30, 2026": the end of a period is exclusive, so its last day is shown. */
export function periodText(startIso, endIso) {
  const lastMs = Date.parse(endIso) - 1;
  return dayFormat.format(new Date(startIso)) + ' – ' + dayYearFormat.format(new Date(lastMs));
}
