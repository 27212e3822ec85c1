import type { CreditEvent } from '@tally/credits';
import type {
  EventStore,
  Position,
  PositionRange,
  RecordedEvent,
  SqlClient,
} from '@tally/event-store';

/** A stored event decoded once per batch and handed to every projection. */
export interface ProjectedEvent {
  recorded: RecordedEvent;
  event: CreditEvent;
  workspaceId: string;
}

/** A stored event of a workspace's stream that the codec could not decode: its workspace is held back. */
export interface UndecodableEvent {
  recorded: RecordedEvent;
  event: null;
  workspaceId: string;
  error: string;
}

export type ProjectionName = 'balance' | 'rollover' | 'usage' | 'statement';

export const PROJECTION_NAMES: readonly ProjectionName[] = [
  'balance',
  'rollover',
  'usage',
  'statement',
];

/** Where a projection writes: the live schema, or the rebuild schema beside it. */
export interface ProjectionTarget {
  schema: string;
  /** Whether to NOTIFY readers of changes (live tables only). */
  notify: boolean;
}

/**
 * One read model. `apply` receives only events after the projection's checkpoint, in global
 * order, and runs inside the transaction that also moves the checkpoint: it must be set-based
 * (a fixed number of statements per batch, never one per event).
 */
export interface Projection {
  readonly name: ProjectionName;
  /** The tables the projection owns (DDL in migrations/), moved as a unit when a rebuild switches. */
  readonly tables: readonly string[];
  apply(sql: SqlClient, target: ProjectionTarget, events: ProjectedEvent[]): Promise<void>;
  /** The set-based path of `projections rebuild`, for fresh tables in `schema`. */
  bulkRebuilder(schema: string): BulkRebuilder;
  /**
   * In the rebuild's switch, before the rebuilt tables replace the live ones: carries over the
   * live rows written past the live checkpoint by inline writers (the balance), which the
   * rebuilt tables, brought only to that checkpoint, would otherwise lose.
   */
  carryOver?(sql: SqlClient, liveSchema: string, rebuiltSchema: string): Promise<void>;
}

/**
 * Fills a projection's fresh tables from the stored events, range by range, set-based in the
 * database through the store's range reads, with the same result as `apply` over the same
 * events. Ranges arrive consecutive and in global order; `applyRange` calls of different
 * projections run concurrently, each in its own statement(s).
 */
export interface BulkRebuilder {
  /** Before the first range, knowing the last position to come (e.g. drop an index built once at the end). */
  prepare(sql: SqlClient, events: EventStore, head: Position): Promise<void>;
  /** `events` reads inside `sql`'s transaction (the store's set-based reads: queryRange). */
  applyRange(sql: SqlClient, events: EventStore, range: PositionRange): Promise<void>;
  /** After the last range: leaves the tables exactly as the migrations make them, filled. */
  finish(sql: SqlClient): Promise<void>;
}
