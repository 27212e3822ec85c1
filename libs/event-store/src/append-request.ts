import { EventStoreError, EventStoreErrorCode } from './event-store.errors';
import type { ExpectedRevision, StreamAppend } from './event-store.port';
import { APPEND_EVENT_COUNT_MAX } from './event-store.limits';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Codes understood by event_store_append (see append-function.sql.ts).
const ANY_CODE = '-2';
const NO_STREAM_CODE = '-1';
const STREAM_EXISTS_CODE = '-3';

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

function encodeExpectedRevision(streamName: string, expected: ExpectedRevision): string {
  switch (expected) {
    case 'any':
      return ANY_CODE;
    case 'no_stream':
      return NO_STREAM_CODE;
    case 'stream_exists':
      return STREAM_EXISTS_CODE;
    default:
      if (typeof expected !== 'bigint' || expected < 0n) {
        throw new EventStoreError(EventStoreErrorCode.InvalidAppend, `Stream "${streamName}": expected revision must be any, no_stream, stream_exists or a bigint >= 0.`);
      }
      return expected.toString();
  }
}

/** The parameter arrays of one event_store_append call, validated. */
export function encodeAppendParameters(appends: StreamAppend[]): unknown[] {
  const streamNames: string[] = [];
  const expectedRevisions: string[] = [];
  const eventStreamIndexes: number[] = [];
  const ids: string[] = [];
  const types: string[] = [];
  const data: string[] = [];
  const metadata: (string | null)[] = [];
  const seenStreams = new Set<string>();
  for (const [index, append] of appends.entries()) {
    if (typeof append.streamName !== 'string' || append.streamName.length === 0) {
      throw new EventStoreError(EventStoreErrorCode.InvalidAppend, 'Stream name must be a non-empty string.');
    }
    if (seenStreams.has(append.streamName)) {
      throw new EventStoreError(EventStoreErrorCode.InvalidAppend, `Stream "${append.streamName}" appears twice in one appendMany; merge its events into one append.`);
    }
    seenStreams.add(append.streamName);
    streamNames.push(append.streamName);
    expectedRevisions.push(encodeExpectedRevision(append.streamName, append.expectedRevision));
    for (const event of append.events) {
      if (!isUuid(event.id)) throw new EventStoreError(EventStoreErrorCode.InvalidEvent, `Event id "${event.id}" is not a UUID.`);
      if (typeof event.type !== 'string' || event.type.length === 0) {
        throw new EventStoreError(EventStoreErrorCode.InvalidEvent, `Event ${event.id} has no type.`);
      }
      const json = JSON.stringify(event.data);
      if (json === undefined) throw new EventStoreError(EventStoreErrorCode.InvalidEvent, `Event ${event.id} has no JSON data.`);
      eventStreamIndexes.push(index + 1);
      ids.push(event.id);
      types.push(event.type);
      data.push(json);
      metadata.push(event.metadata === undefined ? null : JSON.stringify(event.metadata));
    }
  }
  if (ids.length > APPEND_EVENT_COUNT_MAX) {
    throw new EventStoreError(EventStoreErrorCode.InvalidAppend, `One append holds at most ${APPEND_EVENT_COUNT_MAX} events, got ${ids.length}.`);
  }
  return [streamNames, expectedRevisions, eventStreamIndexes, ids, types, data, metadata];
}
