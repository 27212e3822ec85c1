import type { ExpectedRevision } from './event-store.port';

export enum EventStoreErrorCode {
  WrongExpectedRevision = 'WRONG_EXPECTED_REVISION',
  DuplicateEvent = 'DUPLICATE_EVENT',
  InvalidPosition = 'INVALID_POSITION',
  InvalidEvent = 'INVALID_EVENT',
  InvalidAppend = 'INVALID_APPEND',
  InvalidRead = 'INVALID_READ',
  StoreClosed = 'STORE_CLOSED',
  EventDataRejected = 'EVENT_DATA_REJECTED',
  HeldStreamMoved = 'HELD_STREAM_MOVED',
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
    super(
      `Stream "${streamName}" expected revision ${String(expected)} but is at ${String(actual)}.`,
    );
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

/** An append made `holding` a stream found that stream at another revision; nothing was appended. */
export class HeldStreamMovedError extends Error {
  readonly code = EventStoreErrorCode.HeldStreamMoved;

  constructor(
    readonly streamName: string,
    message: string,
  ) {
    super(message);
    this.name = 'HeldStreamMovedError';
  }
}

/**
 * PostgreSQL refused the content of an append (a value jsonb cannot hold, a number out of
 * range, a row over a limit): trying the same events again can never succeed, unlike a lost
 * connection. Nothing was appended. Callers isolate the culprit instead of retrying.
 */
export class EventDataRejectedError extends Error {
  readonly code = EventStoreErrorCode.EventDataRejected;

  constructor(
    readonly sqlState: string,
    message: string,
  ) {
    super(`The store refused the events' data (SQLSTATE ${sqlState}): ${message}`);
    this.name = 'EventDataRejectedError';
  }
}

// SQLSTATE classes about the data itself: 22 data exception, 23 integrity constraint violation
// (23505, a lost race on a unique id, is retried apart), 54 program limit exceeded.
const DATA_REJECTION_CLASSES = new Set(['22', '23', '54']);

export function isDataRejectionSqlState(sqlState: string | undefined): sqlState is string {
  return (
    sqlState !== undefined &&
    sqlState !== '23505' &&
    DATA_REJECTION_CLASSES.has(sqlState.slice(0, 2))
  );
}
