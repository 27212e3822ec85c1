import { DAY_MS } from '@tally/contracts';
import { instantReached } from './instant-reached';

describe('waiting for an instant', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_800_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('emits when the clock reaches the instant, not before', () => {
    const seen: number[] = [];
    const subscription = instantReached(Date.now() + 5_000).subscribe(() => seen.push(Date.now()));
    jest.advanceTimersByTime(4_999);
    expect(seen).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(seen).toEqual([1_800_000_005_000]);
    subscription.unsubscribe();
  });

  it('emits at once for an instant already past', () => {
    const seen: number[] = [];
    instantReached(Date.now() - 1).subscribe(() => seen.push(Date.now()));
    jest.advanceTimersByTime(0);
    expect(seen).toHaveLength(1);
  });

  it('waits in steps beyond the longest setTimeout delay (about 24.8 days)', () => {
    const thirtyDaysMs = 30 * DAY_MS;
    const seen: number[] = [];
    instantReached(Date.now() + thirtyDaysMs).subscribe(() => seen.push(Date.now()));
    jest.advanceTimersByTime(2 ** 31);
    expect(seen).toEqual([]);
    jest.advanceTimersByTime(thirtyDaysMs - 2 ** 31);
    expect(seen).toEqual([1_800_000_000_000 + thirtyDaysMs]);
  });
});
