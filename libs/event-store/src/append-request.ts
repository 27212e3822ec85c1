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
        throw new EventStoreError(
          EventStoreErrorCode.InvalidAppend,
          `Stream "${streamName}": expected revision must be any, no_stream, stream_exists or a bigint >= 0.`,
        );
      }
      return expected.toString();
  }
}

/**
 * The two parameters of one event_store_append call, validated: the streams and the events as
 * two JSON documents. One JSON.stringify per call is far cheaper than the driver's escaping of
 * seven text arrays (a measured hot spot of the ledger), and PostgreSQL parses JSON natively.
 */
export function encodeAppendParameters(appends: StreamAppend[]): [string, string] {
  const streams: [string, string][] = [];
  const events: { s: number; i: string; t: string; d: unknown; m: unknown }[] = [];
  const seenStreams = new Set<string>();
  for (const [index, append] of appends.entries()) {
    if (typeof append.streamName !== 'string' || append.streamName.length === 0) {
      throw new EventStoreError(
        EventStoreErrorCode.InvalidAppend,
        'Stream name must be a non-empty string.',
      );
    }
    if (seenStreams.has(append.streamName)) {
      throw new EventStoreError(
        EventStoreErrorCode.InvalidAppend,
        `Stream "${append.streamName}" appears twice in one appendMany; merge its events into one append.`,
      );
    }
    seenStreams.add(append.streamName);
    streams.push([
      append.streamName,
      encodeExpectedRevision(append.streamName, append.expectedRevision),
    ]);
    for (const event of append.events) {
      if (!isUuid(event.id))
        throw new EventStoreError(
          EventStoreErrorCode.InvalidEvent,
          `Event id "${event.id}" is not a UUID.`,
        );
      if (typeof event.type !== 'string' || event.type.length === 0) {
        throw new EventStoreError(
          EventStoreErrorCode.InvalidEvent,
          `Event ${event.id} has no type.`,
        );
      }
      if (event.data === undefined)
        throw new EventStoreError(
          EventStoreErrorCode.InvalidEvent,
          `Event ${event.id} has no JSON data.`,
        );
      events.push({
        s: index + 1,
        i: event.id,
        t: event.type,
        d: event.data,
        m: event.metadata ?? null,
      });
    }
  }
  if (events.length > APPEND_EVENT_COUNT_MAX) {
    throw new EventStoreError(
      EventStoreErrorCode.InvalidAppend,
      `One append holds at most ${APPEND_EVENT_COUNT_MAX} events, got ${events.length}.`,
    );
  }
  return [JSON.stringify(streams), JSON.stringify(events)];
}
