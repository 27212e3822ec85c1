/** How an idempotent call is retried after a network error, a 5xx or a 429. */
export interface RetryPolicy {
  /** Attempts in all, the first included (1: no retry). */
  attemptsMax: number;
  /** Delay before the first retry; each next one doubles, up to delayMsMax. */
  delayMsInitial: number;
  delayMsMax: number;
}

export const RETRY_POLICY_DEFAULT: RetryPolicy = {
  attemptsMax: 5,
  delayMsInitial: 100,
  delayMsMax: 2_000,
};

/** Longest wait a server's `Retry-After` may impose before a retry. */
export const RETRY_AFTER_MS_MAX = 10_000;

/**
 * The wait before retry number `retry` (1 for the first): "full jitter" exponential backoff, so
 * many clients refused together do not come back together; a server's `Retry-After` (ms) is a
 * floor, bounded by RETRY_AFTER_MS_MAX. `random` is in [0, 1).
 */
export function retryDelayMs(
  retry: number,
  policy: RetryPolicy,
  random: number,
  retryAfterMs: number | null = null,
): number {
  const ceiling = Math.min(policy.delayMsMax, policy.delayMsInitial * 2 ** (retry - 1));
  const jittered = Math.floor(random * ceiling);
  if (retryAfterMs === null) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, RETRY_AFTER_MS_MAX));
}

/** `Retry-After` in seconds or as an HTTP date, in ms from `nowMs`; null when absent or bad. */
export function retryAfterMsOf(header: string | null, nowMs: number): number | null {
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1_000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** Statuses worth another attempt of an idempotent call. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
