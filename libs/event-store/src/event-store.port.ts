/**
 * Expected revision of a stream before an append, as in the KurrentDB client:
 * `'any'` skips the check, `'no_stream'` requires that the stream has no event yet,
 * `'stream_exists'` requires at least one event, a bigint requires that exact current revision.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/**
 * A place in the global order. `commit` is the id (xid8) of the transaction that appended the
 * event, `prepare` its global sequence number. Events are totally ordered by (commit, prepare).
 */
export interface Position {
  commit: bigint;
  prepare: bigint;
}

/** An event to append. `id` is a UUID and the idempotency key: a stored id is never stored twice. */
export interface EventData {
  id: string;
  type: string;
  data: unknown;
  metadata?: unknown;
}

/** An event as stored. `revision` starts at 0 in each stream. */
export interface RecordedEvent {
  id: string;
  type: string;
  streamName: string;
  revision: bigint;
  position: Position;
  data: unknown;
  metadata: unknown;
  createdAt: Date;
}

/**
 * Outcome of one stream's append. `nextExpectedRevision` is the stream's revision after the
 * append (-1n when the stream still has no event); events whose id was already stored are
 * counted in `duplicateCount` and not appended again.
 */
export interface AppendResult {
  streamName: string;
  nextExpectedRevision: bigint;
  appendedCount: number;
  duplicateCount: number;
}

/** One stream's part of an `appendMany` call. */
export interface StreamAppend {
  streamName: string;
  events: EventData[];
  expectedRevision: ExpectedRevision;
}

/** Selects events by type and/or stream-name prefix; an absent list matches everything. */
export interface EventFilter {
  eventTypes?: string[];
  streamPrefixes?: string[];
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Defaults to 'start' forwards and 'end' backwards. */
  fromRevision?: bigint | 'start' | 'end';
  /** Absent: the whole stream. */
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive checkpoint; absent means from the start. */
  fromPosition?: Position;
  /** Defaults to READ_ALL_COUNT_DEFAULT, at most READ_ALL_COUNT_MAX. */
  maxCount?: number;
  filter?: EventFilter;
}

export interface SubscribeToAllOptions {
  /** Exclusive checkpoint; absent means from the start. */
  fromPosition?: Position;
  filter?: EventFilter;
  /** Most events handed to one `onEvents` call; defaults to SUBSCRIPTION_BATCH_SIZE_DEFAULT. */
  batchSizeMax?: number;
  /** Awaited before the next batch is read (backpressure). A throw is reported to `onError` and the batch is retried. */
  onEvents: (events: RecordedEvent[]) => Promise<void>;
  onError?: (error: Error) => void;
}

/**
 * The event store port, shaped after the KurrentDB/EventStoreDB client. Implementations keep a
 * global order that subscribers can trust: reading from a checkpoint never skips an event that a
 * slower concurrent transaction commits later.
 */
export interface EventStore {
  /** Appends to one stream under an optional expected-revision check (default 'any'). */
  appendToStream(streamName: string, events: EventData[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult>;
  /**
   * Appends to several distinct streams in ONE transaction: all or nothing. Results follow the
   * input order. `rejectDuplicates`: instead of skipping already stored ids, fail the whole
   * append with DuplicateEventError (for callers whose later events depend on earlier ones).
   * Throws EventDataRejectedError when PostgreSQL refuses the events' content (nothing appended).
   */
  appendMany(appends: StreamAppend[], options?: { rejectDuplicates?: boolean }): Promise<AppendResult[]>;
  /** Reads one stream in revision order. An unknown stream reads as empty. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Reads the global order after `fromPosition`, only as far as subscribers may safely see. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up from `fromPosition`, then live (notifications with a polling fallback). */
  subscribeToAll(options: SubscribeToAllOptions): EventSubscription;
  /** Which of these ids are already stored (returned as given). */
  existingEventIds(ids: string[]): Promise<Set<string>>;
  /** The stored events with these ids, in no particular order; unknown ids are left out. */
  readEventsById(ids: string[]): Promise<RecordedEvent[]>;
  /** Current revision of each of these streams that has at least one event. */
  streamRevisions(streamNames: string[]): Promise<Map<string, bigint>>;
  /** The last position a subscriber can see now (START when nothing is visible). */
  headPosition(): Promise<Position>;
  /**
   * The position of the newest committed event, which subscribers may not see yet while an
   * older transaction is still open. Waiting until a reader reaches it is how to know the
   * reader has everything committed so far (START when the store is empty).
   */
  lastCommittedPosition(): Promise<Position>;
  /** Stops every subscription and releases connections. */
  close(): Promise<void>;
}

/** A running subscription. `caughtUp` turns true once a read found nothing more to deliver. */
export interface EventSubscription {
  stop(): Promise<void>;
  readonly caughtUp: boolean;
}
