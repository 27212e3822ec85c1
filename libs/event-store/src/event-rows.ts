import type { Position, RecordedEvent } from './event-store.port';

export interface EventRow {
  commit_position: string;
  prepare_position: string;
  event_id: string;
  event_type: string;
  stream_name: string;
  stream_revision: string;
  data: unknown;
  metadata: unknown;
  /** Milliseconds since the epoch: cheaper to decode than a timestamptz (a catch-up hot spot). */
  created_at_ms: string;
}

export function positionFromRow(row: {
  commit_position: string;
  prepare_position: string;
}): Position {
  return { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) };
}

export function recordedEventFromRow(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.event_type,
    streamName: row.stream_name,
    revision: BigInt(row.stream_revision),
    position: positionFromRow(row),
    data: row.data,
    metadata: row.metadata ?? null,
    createdAt: new Date(Number(row.created_at_ms)),
  };
}
