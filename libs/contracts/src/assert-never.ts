/**
 * The end of every exhaustive `switch`: the compiler proves it unreachable, and should a value
 * the types did not foresee arrive at run time anyway, it stops with an assertion naming it.
 */
export function assertNever(value: never, what = 'value'): never {
  const shown = JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? item.toString() : item,
  );
  throw new Error(`assertion failed: unhandled ${what} ${shown?.slice(0, 200) ?? String(value)}`);
}
