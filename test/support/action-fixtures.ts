export { actionExecuted, packPurchased, periodStarted } from '../../tools/support/messages';
export type { ActionSpec } from '../../tools/support/messages';

/** Waits until `probe` returns a value that is not undefined, polling; fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Fisher–Yates with a seeded generator, so a failing order can be reproduced. */
export function shuffled<T>(items: T[], seed = 42): T[] {
  const result = [...items];
  let state = seed >>> 0;
  const random = (): number => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  for (let index = result.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
}
