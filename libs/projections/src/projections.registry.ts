import { balanceProjection } from './balance/balance.projection';
import type { Projection } from './projection';
import { rolloverProjection } from './rollover/rollover.projection';
import { statementProjection } from './statement/statement.projection';
import { usageProjection } from './usage/usage.projection';

export const ALL_PROJECTIONS: readonly Projection[] = [
  balanceProjection,
  rolloverProjection,
  usageProjection,
  statementProjection,
];

export function projectionsNamed(names: readonly string[]): Projection[] {
  return names.map((name) => {
    const projection = ALL_PROJECTIONS.find((candidate) => candidate.name === name);
    if (!projection) {
      throw new Error(
        `unknown projection "${name}" (known: ${ALL_PROJECTIONS.map((known) => known.name).join(', ')})`,
      );
    }
    return projection;
  });
}
