import type { SqlClient } from './sql-client.port';

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

/** (after, upTo] in the global order. */
export interface PositionRange {
  after: Position;
  upTo: Position;
}

export interface NextRangeOptions {
  /** The furthest the range may reach: a head position taken earlier, so its contents never change. */
  upTo: Position;
  /** Most events (of any stream) in the range. */
  eventsMax: number;
  /** Which of the range's events `matching` counts; absent: all. */
  filter?: EventFilter;
}

/** A range of the global order and how many of its events match the filter it was asked with. */
export interface EventRange {
  range: PositionRange;
  matching: number;
}

/**
 * A set-based statement over the events of one range, run inside the database for read models
 * that live beside the store (rebuilds). `statement` receives the SQL of a relation to use as
 * `FROM ${events} e`, one row per event of the range that matches `filter`, with the columns
 * `commit_position` (xid8) and `prepare_position` (bigint) — the global order —, `event_id`
 * (uuid), `stream_name`, `stream_revision` (bigint), `event_type`, `data` and `metadata` (jsonb),
 * `created_at` (timestamptz), and one text column per entry of `fields`. The statement's own
 * parameters are `$1..$n` of `params`; the store numbers the relation's after them.
 */
export interface RangeQuery {
  range: PositionRange;
  filter?: EventFilter;
  /**
   * Fields of the stored data to add as text columns, by column name (lower case): each a path
   * into `data`, e.g. `['split', 'rolloverMicro']`. An object or array reads as its JSON text.
   */
  fields?: Readonly<Record<string, readonly string[]>>;
  /**
   * Per event type, the values its stored form leaves out when they hold their default, shaped
   * like the data (a codec's rule, given by the codec). A field an event's data leaves out reads
   * as its type's default at that path; without one, as NULL. Applied to `fields` only.
   */
  storedDefaults?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  statement: (events: string) => string;
  params?: readonly unknown[];
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
/** Returns the placeholder (`$n`) of a value bound as a parameter of the statement. */
export type BindParameter = (value: unknown) => string;

/**
 * Data-modifying statements (INSERT, UPDATE or DELETE, no trailing semicolon) run as parts of the
 * append's one statement, so they commit or roll back with it and cost no round trip of their
 * own. Each may read `appended (stream_index, duplicate_count, last_position)`: one row per
 * append, 1-based in input order, `duplicate_count` > 0 when some of its events were stored
 * before (its state is then someone else's: skip its rows), `last_position` the global position
 * (`prepare`) of the last event it stored (null: none). All parts see the database as it was
 * before the statement.
 */
export type AlongsideWrites = (bind: BindParameter) => string[];

/**
 * A stream an append depends on without writing to it (the ledger's price books): the append
 * holds its lock shared (as `lockStreams(…, 'shared')` does, so an exclusive holder waits for the
 * append's transaction) and goes ahead only if the stream is at `revision` — in the append's own
 * statement. Else HeldStreamMovedError, and nothing is appended.
 */
export interface HeldStream {
  streamName: string;
  revision: bigint;
}

/** How appendMany appends; see there. */
export interface AppendManyOptions {
  rejectDuplicates?: boolean;
  alongside?: AlongsideWrites;
  holding?: HeldStream;
}

export interface EventStore {
  /** Appends to one stream under an optional expected-revision check (default 'any'). */
  appendToStream(
    streamName: string,
    events: EventData[],
    options?: { expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult>;
  /**
   * Appends to several distinct streams in ONE transaction: all or nothing. Results follow the
   * input order. `rejectDuplicates`: instead of skipping already stored ids, fail the whole
   * append with DuplicateEventError (for callers whose later events depend on earlier ones).
   * Throws EventDataRejectedError when PostgreSQL refuses the events' content (nothing appended).
   * `alongside`: the caller's own writes that follow from these events, made in the append's own
   * statement — atomic with it, and in the same round trip (see AlongsideWrites). `holding`: a
   * stream the events depend on, checked in that statement too (HeldStream).
   */
  appendMany(appends: StreamAppend[], options?: AppendManyOptions): Promise<AppendResult[]>;
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
  /** The events of one stream at these revisions, in revision order; a revision without an event is left out. */
  readStreamAt(streamName: string, revisions: bigint[]): Promise<RecordedEvent[]>;
  /**
   * The next range of the global order after `after`: at most `eventsMax` events of any stream,
   * ending at or before `upTo`, with how many of them match `filter` (one index range scan).
   * Null when nothing is left. Ranges cut this way split a log set-based readers walk in steps.
   */
  nextRange(after: Position, options: NextRangeOptions): Promise<EventRange | null>;
  /**
   * Runs a set-based statement over a range's events (see RangeQuery) and returns its rows. The
   * range must end at or before the head position (InvalidRead otherwise): it then reads the
   * same events however often it is read.
   */
  queryRange<Row = Record<string, unknown>>(query: RangeQuery): Promise<Row[]>;
  /**
   * This store, reading and appending inside `transaction`, an open transaction on the store's
   * own database: a read model reads the events in the snapshot of its own tables, and on the
   * embedded database (one connection) a read beside the open transaction would wait for it
   * forever. Not for subscriptions; closing it leaves the transaction and this store open.
   */
  inTransaction(transaction: SqlClient): EventStore;
  /**
   * Runs `work` with this store bound to one new transaction: committed when `work` resolves,
   * rolled back when it throws. Inside an `inTransaction` store, joins that transaction. `sql`
   * is the same transaction, for tables of the caller's that must change with the events.
   */
  transaction<T>(work: (store: EventStore, sql: SqlClient) => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: holds a lock on each of these stream names until the transaction ends,
   * 'exclusive' against every other holder, 'shared' against exclusive holders only. A writer
   * that appends to a stream holding it exclusively, and readers that hold it shared while they
   * check its revision, never interleave: once a reader holds the lock, every such writer has
   * committed (its events are visible) or has not begun. Outside a transaction it holds nothing.
   * Returns the revision of each of these streams that has events, read once the locks are held
   * (as streamRevisions would then, in the same round trip).
   */
  lockStreams(streamNames: string[], mode: 'shared' | 'exclusive'): Promise<Map<string, bigint>>;
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
