import {
  isRetryableStatus,
  RETRY_AFTER_MS_MAX,
  retryAfterMsOf,
  retryDelayMs,
} from './retry-policy';

const policy = { attemptsMax: 5, delayMsInitial: 100, delayMsMax: 1_000 };

describe('retry policy', () => {
  it('doubles the ceiling of a jittered delay up to the maximum', () => {
    expect([1, 2, 3, 4, 5].map((retry) => retryDelayMs(retry, policy, 0.999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
    expect(retryDelayMs(3, policy, 0)).toBe(0);
  });

  it("waits at least a server's Retry-After, bounded", () => {
    expect(retryDelayMs(1, policy, 0.5, 2_000)).toBe(2_000);
    expect(retryDelayMs(1, policy, 0.5, 3_600_000)).toBe(RETRY_AFTER_MS_MAX);
    expect(retryAfterMsOf('2', 0)).toBe(2_000);
    expect(retryAfterMsOf(new Date(5_000).toUTCString(), 1_000)).toBe(4_000);
    expect(retryAfterMsOf('soon', 0)).toBeNull();
    expect(retryAfterMsOf(null, 0)).toBeNull();
  });

  it('retries a 429 and 5xx, never another 4xx', () => {
    expect([429, 500, 502, 503].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 413].some(isRetryableStatus)).toBe(false);
  });
});
