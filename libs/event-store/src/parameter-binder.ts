import type { BindParameter } from './event-store.port';

/** Binds values as `$1`, `$2`, … of one statement, appending each to `parameters`. */
export function parameterBinder(parameters: unknown[]): BindParameter {
  return (value) => {
    parameters.push(value);
    return `$${parameters.length}`;
  };
}
