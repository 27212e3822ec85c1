import { EventStoreError, EventStoreErrorCode } from './event-store.errors';
import type { Position } from './event-store.port';

export const START: Position = Object.freeze({ commit: 0n, prepare: 0n });

const POSITION_PATTERN = /^(\d{1,20})\/(\d{1,20})$/;

/** Checkpoint text form: `<commit>/<prepare>`. */
export function positionToString(position: Position): string {
  return `${position.commit}/${position.prepare}`;
}

export function positionFromString(text: string): Position {
  const match = POSITION_PATTERN.exec(text);
  if (!match || match[1] === undefined || match[2] === undefined) {
    throw new EventStoreError(
      EventStoreErrorCode.InvalidPosition,
      `Not a position: "${text}" (expected "<commit>/<prepare>").`,
    );
  }
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}
