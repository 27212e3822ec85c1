import { comparePositions, Position } from '@tally/event-store';
import type { CheckpointRow } from './checkpoints/checkpoints.sql';
import type { Projection } from './projection';

/** Where a subscription feeding these projections starts: the lowest checkpoint (null: the beginning). */
export function lowestCheckpoint(
  checkpoints: CheckpointRow[],
  projections: readonly Projection[],
): Position | null {
  let lowest: Position | null = null;
  for (const projection of projections) {
    const row = checkpoints.find((checkpoint) => checkpoint.projection === projection.name);
    if (!row || row.position === null) return null;
    if (lowest === null || comparePositions(row.position, lowest) < 0) lowest = row.position;
  }
  return lowest;
}

export function projectionsReached(
  checkpoints: CheckpointRow[],
  projections: readonly Projection[],
  position: Position,
): boolean {
  return projections.every((projection) => {
    const row = checkpoints.find((checkpoint) => checkpoint.projection === projection.name);
    return row?.position != null && comparePositions(row.position, position) >= 0;
  });
}
