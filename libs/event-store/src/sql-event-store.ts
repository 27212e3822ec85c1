import { parameterBinder } from './parameter-binder';
import { AllSubscription, type GlobalPage } from './all-subscription';
import { AppendSignal } from './append-signal';
import { encodeAppendParameters, isUuid } from './append-request';
import {
  DuplicateEventError,
  EventDataRejectedError,
  EventStoreError,
  EventStoreErrorCode,
  HeldStreamMovedError,
  isDataRejectionSqlState,
  WrongExpectedRevisionError,
} from './event-store.errors';
import {
  APPEND_RACE_RETRY_LIMIT,
  EVENT_STORE_NOTIFY_CHANNEL,
  LOOKUP_COUNT_MAX,
  READ_ALL_COUNT_DEFAULT,
  READ_ALL_COUNT_MAX,
  SUBSCRIPTION_BATCH_SIZE_DEFAULT,
} from './event-store.limits';
import type {
  AppendManyOptions,
  AppendResult,
  EventFilter,
  EventRange,
  NextRangeOptions,
  RangeQuery,
  EventStore,
  EventSubscription,
  ExpectedRevision,
  EventData,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeToAllOptions,
} from './event-store.port';
import { nextEventRange, queryEventRange } from './event-ranges';
import { type EventRow, positionFromRow, recordedEventFromRow } from './event-rows';
import { migrateEventStore } from './migrations';
import { START } from './position';
import type { SqlClient } from './sql-client.port';
import {
  CALL_APPEND_FUNCTION,
  CALL_APPEND_HOLDING_FUNCTION,
  DUPLICATE_EVENT_SQLSTATE,
  HELD_STREAM_MOVED_SQLSTATE,
  WRONG_EXPECTED_REVISION_SQLSTATE,
} from './sql/append-function.sql';
import {
  READ_ALL,
  READ_STREAM_AT,
  READ_STREAM_BACKWARDS,
  READ_STREAM_FORWARDS,
  SELECT_EVENTS_BY_ID,
  SELECT_EXISTING_EVENT_IDS,
  SELECT_HEAD_POSITION,
  SELECT_LAST_COMMITTED_POSITION,
  SELECT_STREAM_REVISIONS,
  LOCK_STREAMS,
} from './sql/event-store-queries.sql';

// SQLSTATEs of a lost race with a concurrent append of the same event id: retrying sees the id.
const RETRYABLE_SQLSTATES = new Set(['23505', '40P01']);
const REVISION_END = 2n ** 63n - 1n;

interface AppendRow {
  stream_index: number;
  next_expected_revision: string;
  appended_count: number;
  duplicate_count: number;
}

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

interface StreamRevisionRow {
  stream_name: string;
  revision: string;
}

function revisionsOf(rows: StreamRevisionRow[]): Map<string, bigint> {
  return new Map(rows.map((row) => [row.stream_name, BigInt(row.revision)]));
}

/**
 * The append's one statement: the function call alone, or with the caller's writes as
 * data-modifying parts of a WITH query that read its rows as `appended` (AlongsideWrites).
 * PostgreSQL runs every data-modifying part exactly once, whether the result reads it or not.
 */
function appendStatement(parameters: unknown[], options: AppendManyOptions): string {
  const call = options.holding ? CALL_APPEND_HOLDING_FUNCTION : CALL_APPEND_FUNCTION;
  const writes = options.alongside?.(parameterBinder(parameters)) ?? [];
  if (writes.length === 0) return call;
  const parts = writes.map((write, index) => `alongside_${index + 1} AS (${write})`);
  return `WITH appended AS MATERIALIZED (${call}), ${parts.join(', ')}
SELECT * FROM appended`;
}

function assertCount(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new EventStoreError(
      EventStoreErrorCode.InvalidRead,
      `${name} must be an integer from 0 to ${max}, got ${value}.`,
    );
  }
}

function filterParameters(filter: EventFilter | undefined): [string[] | null, string[] | null] {
  return [filter?.eventTypes ?? null, filter?.streamPrefixes ?? null];
}

export class SqlEventStore implements EventStore {
  private readonly signal = new AppendSignal();
  private readonly subscriptions = new Set<AllSubscription>();
  private stopListening: Promise<(() => Promise<void>) | undefined> | undefined;
  private closed = false;

  constructor(private readonly sql: SqlClient) {}

  async appendToStream(
    streamName: string,
    events: EventData[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const [result] = await this.appendMany([
      { streamName, events, expectedRevision: options.expectedRevision ?? 'any' },
    ]);
    if (!result) throw new Error('event_store_append returned no row for a one-stream append.');
    return result;
  }

  async appendMany(
    appends: StreamAppend[],
    options: AppendManyOptions = {},
  ): Promise<AppendResult[]> {
    this.assertOpen();
    if (appends.length === 0) return [];
    const parameters: unknown[] = [
      ...encodeAppendParameters(appends),
      options.rejectDuplicates ?? false,
      ...(options.holding ? [options.holding.streamName, options.holding.revision.toString()] : []),
    ];
    const statement = appendStatement(parameters, options);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const rows = await this.sql.query<AppendRow>(statement, parameters);
        return rows.map((row) => {
          const append = appends[row.stream_index - 1];
          if (!append)
            throw new Error(
              `event_store_append returned unknown stream index ${row.stream_index}.`,
            );
          return {
            streamName: append.streamName,
            nextExpectedRevision: BigInt(row.next_expected_revision),
            appendedCount: Number(row.appended_count),
            duplicateCount: Number(row.duplicate_count),
          };
        });
      } catch (error) {
        if (sqlState(error) === WRONG_EXPECTED_REVISION_SQLSTATE)
          throw this.wrongRevision(error, appends);
        if (sqlState(error) === DUPLICATE_EVENT_SQLSTATE) throw new DuplicateEventError();
        if (sqlState(error) === HELD_STREAM_MOVED_SQLSTATE && options.holding)
          throw new HeldStreamMovedError(options.holding.streamName, (error as Error).message);
        const state = sqlState(error);
        if (isDataRejectionSqlState(state))
          throw new EventDataRejectedError(state, (error as Error).message);
        if (attempt > APPEND_RACE_RETRY_LIMIT || !RETRYABLE_SQLSTATES.has(sqlState(error) ?? ''))
          throw error;
      }
    }
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const direction = options.direction ?? 'forwards';
    const from = options.fromRevision ?? (direction === 'forwards' ? 'start' : 'end');
    if (options.maxCount !== undefined)
      assertCount('maxCount', options.maxCount, Number.MAX_SAFE_INTEGER);
    const limit = options.maxCount ?? null;
    const rows =
      direction === 'forwards'
        ? from === 'end'
          ? []
          : await this.sql.query<EventRow>(READ_STREAM_FORWARDS, [
              streamName,
              from === 'start' ? '0' : from.toString(),
              limit,
            ])
        : from === 'start'
          ? await this.sql.query<EventRow>(READ_STREAM_BACKWARDS, [streamName, '0', limit])
          : await this.sql.query<EventRow>(READ_STREAM_BACKWARDS, [
              streamName,
              (from === 'end' ? REVISION_END : from).toString(),
              limit,
            ]);
    return rows.map(recordedEventFromRow);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? READ_ALL_COUNT_DEFAULT;
    assertCount('maxCount', maxCount, READ_ALL_COUNT_MAX);
    const page = await this.readGlobalPage(options.fromPosition ?? START, maxCount, options.filter);
    return page.events;
  }

  subscribeToAll(options: SubscribeToAllOptions): EventSubscription {
    this.assertOpen();
    const batchSizeMax = options.batchSizeMax ?? SUBSCRIPTION_BATCH_SIZE_DEFAULT;
    assertCount('batchSizeMax', batchSizeMax, READ_ALL_COUNT_MAX);
    if (batchSizeMax === 0)
      throw new EventStoreError(
        EventStoreErrorCode.InvalidRead,
        'batchSizeMax must be at least 1.',
      );
    this.startListening(options.onError);
    const subscription = new AllSubscription(
      (from, count, filter) => this.readGlobalPage(from, count, filter),
      this.signal,
      { ...options, batchSizeMax },
      (stopped) => this.subscriptions.delete(stopped),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async existingEventIds(ids: string[]): Promise<Set<string>> {
    this.assertOpen();
    assertCount('ids.length', ids.length, LOOKUP_COUNT_MAX);
    const byNormalId = new Map<string, string[]>();
    for (const id of ids) {
      if (!isUuid(id)) continue; // not a UUID, so never stored
      const spellings = byNormalId.get(id.toLowerCase()) ?? [];
      spellings.push(id);
      byNormalId.set(id.toLowerCase(), spellings);
    }
    const found = new Set<string>();
    if (byNormalId.size === 0) return found;
    const rows = await this.sql.query<{ event_id: string }>(SELECT_EXISTING_EVENT_IDS, [
      [...byNormalId.keys()],
    ]);
    for (const row of rows) for (const id of byNormalId.get(row.event_id) ?? []) found.add(id);
    return found;
  }

  async readEventsById(ids: string[]): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertCount('ids.length', ids.length, LOOKUP_COUNT_MAX);
    const uuids = ids.filter(isUuid).map((id) => id.toLowerCase());
    if (uuids.length === 0) return [];
    const rows = await this.sql.query<EventRow>(SELECT_EVENTS_BY_ID, [uuids]);
    return rows.map(recordedEventFromRow);
  }

  async readStreamAt(streamName: string, revisions: bigint[]): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertCount('revisions.length', revisions.length, LOOKUP_COUNT_MAX);
    if (revisions.length === 0) return [];
    const rows = await this.sql.query<EventRow>(READ_STREAM_AT, [
      streamName,
      revisions.map((revision) => revision.toString()),
    ]);
    return rows.map(recordedEventFromRow);
  }

  async nextRange(after: Position, options: NextRangeOptions): Promise<EventRange | null> {
    this.assertOpen();
    return await nextEventRange(this.sql, after, options);
  }

  async queryRange<Row = Record<string, unknown>>(query: RangeQuery): Promise<Row[]> {
    this.assertOpen();
    return await queryEventRange<Row>(this.sql, query);
  }

  inTransaction(transaction: SqlClient): EventStore {
    this.assertOpen();
    return new SqlEventStore(transaction);
  }

  async transaction<T>(work: (store: EventStore, sql: SqlClient) => Promise<T>): Promise<T> {
    this.assertOpen();
    return await this.sql.transaction((transaction) =>
      work(new SqlEventStore(transaction), transaction),
    );
  }

  async lockStreams(
    streamNames: string[],
    mode: 'shared' | 'exclusive',
  ): Promise<Map<string, bigint>> {
    this.assertOpen();
    assertCount('streamNames.length', streamNames.length, LOOKUP_COUNT_MAX);
    if (streamNames.length === 0) return new Map();
    return revisionsOf(
      await this.sql.query<StreamRevisionRow>(LOCK_STREAMS, [streamNames, mode === 'exclusive']),
    );
  }

  async streamRevisions(streamNames: string[]): Promise<Map<string, bigint>> {
    this.assertOpen();
    assertCount('streamNames.length', streamNames.length, LOOKUP_COUNT_MAX);
    if (streamNames.length === 0) return new Map();
    return revisionsOf(
      await this.sql.query<StreamRevisionRow>(SELECT_STREAM_REVISIONS, [streamNames]),
    );
  }

  async headPosition(): Promise<Position> {
    this.assertOpen();
    const [row] = await this.sql.query<{ commit_position: string; prepare_position: string }>(
      SELECT_HEAD_POSITION,
    );
    return row ? positionFromRow(row) : START;
  }

  async lastCommittedPosition(): Promise<Position> {
    this.assertOpen();
    const [row] = await this.sql.query<{ commit_position: string; prepare_position: string }>(
      SELECT_LAST_COMMITTED_POSITION,
    );
    return row ? positionFromRow(row) : START;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    const stop = await this.stopListening;
    await stop?.();
    await this.sql.close();
  }

  private async readGlobalPage(
    from: Position,
    maxCount: number,
    filter: EventFilter | undefined,
  ): Promise<GlobalPage> {
    this.assertOpen();
    const rows = await this.sql.query<EventRow & { visible_below: string }>(READ_ALL, [
      from.commit.toString(),
      from.prepare.toString(),
      ...filterParameters(filter),
      maxCount,
    ]);
    const first = rows[0];
    const events = first && first.event_id !== null ? rows.map(recordedEventFromRow) : [];
    return { events, visibleBelow: first ? BigInt(first.visible_below) : 0n };
  }

  // One LISTEN per store, shared by its subscriptions; without it they still poll.
  private startListening(onError: ((error: Error) => void) | undefined): void {
    this.stopListening ??= this.sql
      .listen(EVENT_STORE_NOTIFY_CHANNEL, () => this.signal.notify())
      .catch((error: unknown) => {
        onError?.(error instanceof Error ? error : new Error(String(error)));
        return undefined;
      });
  }

  private wrongRevision(error: unknown, appends: StreamAppend[]): WrongExpectedRevisionError {
    const detail = JSON.parse(String((error as { detail?: unknown }).detail)) as {
      streamIndex: number;
      actual: string;
    };
    const append = appends[detail.streamIndex - 1];
    if (!append) throw error;
    const actual = BigInt(detail.actual);
    return new WrongExpectedRevisionError(
      append.streamName,
      append.expectedRevision,
      actual < 0n ? 'no_stream' : actual,
    );
  }

  private assertOpen(): void {
    if (this.closed)
      throw new EventStoreError(EventStoreErrorCode.StoreClosed, 'The event store is closed.');
  }
}

/** Builds the store on any SqlClient and applies its migrations. */
export async function createSqlEventStore(sql: SqlClient): Promise<EventStore> {
  await migrateEventStore(sql);
  return new SqlEventStore(sql);
}
