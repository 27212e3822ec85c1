import type { ExpectedRevision } from './event-store.port';

export enum EventStoreErrorCode {
  WrongExpectedRevision = 'WRONG_EXPECTED_REVISION',
  DuplicateEvent = 'DUPLICATE_EVENT',
  InvalidPosition = 'INVALID_POSITION',
  InvalidEvent = 'INVALID_EVENT',
  InvalidAppend = 'INVALID_APPEND',
  InvalidRead = 'INVALID_READ',
  StoreClosed = 'STORE_CLOSED',
}

export class EventStoreError extends Error {
  constructor(
    readonly code: EventStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EventStoreError';
  }
}

export class WrongExpectedRevisionError extends Error {
  readonly code = EventStoreErrorCode.WrongExpectedRevision;

  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`Stream "${streamName}" expected revision ${String(expected)} but is at ${String(actual)}.`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** An append made with `rejectDuplicates` held an event id that is already stored; nothing was appended. */
export class DuplicateEventError extends Error {
  readonly code = EventStoreErrorCode.DuplicateEvent;

  constructor() {
    super('The append holds event ids that are already stored; nothing was appended.');
    this.name = 'DuplicateEventError';
  }
}
