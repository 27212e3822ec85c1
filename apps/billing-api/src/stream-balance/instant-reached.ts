import { defer, mergeMap, Observable, timer } from 'rxjs';

// setTimeout fires at once (with a warning) for delays above 2^31 − 1 ms, about 24.8 days; a
// longer wait is taken in steps.
const TIMER_DELAY_MAX_MS = 2 ** 31 - 1;

/** Emits once when the wall clock reaches `instantMs` (at once if it already has). */
export function instantReached(instantMs: number): Observable<unknown> {
  return defer(() => {
    const remainingMs = instantMs - Date.now();
    if (remainingMs <= TIMER_DELAY_MAX_MS) return timer(Math.max(0, remainingMs));
    return timer(TIMER_DELAY_MAX_MS).pipe(mergeMap(() => instantReached(instantMs)));
  });
}
