import { EventStoreError, EventStoreErrorCode } from '../event-store.errors';
import { RANGE_FIELDS_MAX, RANGE_FILTER_PREFIXES_MAX } from '../event-store.limits';
import type { EventFilter, PositionRange, RangeQuery } from '../event-store.port';

// The statements of the set-based reads (nextRange, queryRange). They are built per call, since
// their shape follows the filter and the fields asked for: a fixed condition per prefix plans
// better than a search through an array on every row. Values always travel as parameters.

/** Numbers parameters on from the number it is given, and keeps their values. */
class SqlParameters {
  readonly values: unknown[] = [];

  constructor(private next: number) {}

  add(value: unknown, cast: string): string {
    this.values.push(value);
    const placeholder = `$${this.next}::${cast}`;
    this.next += 1;
    return placeholder;
  }
}

const FIELD_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const RELATION_COLUMNS = new Set([
  'commit_position',
  'prepare_position',
  'event_id',
  'stream_name',
  'stream_revision',
  'event_type',
  'data',
  'metadata',
  'created_at',
]);

function invalidRead(message: string): EventStoreError {
  return new EventStoreError(EventStoreErrorCode.InvalidRead, message);
}

function inRange(parameters: SqlParameters, range: PositionRange): string {
  return `(e.transaction_id, e.global_position) > (${parameters.add(range.after.commit.toString(), 'text')}::xid8, ${parameters.add(range.after.prepare.toString(), 'bigint')})
     AND (e.transaction_id, e.global_position) <= (${parameters.add(range.upTo.commit.toString(), 'text')}::xid8, ${parameters.add(range.upTo.prepare.toString(), 'bigint')})`;
}

// Only transactions below the oldest one still running have ended (see readAll): a range cut by
// nextRange never reaches an event that a slower transaction could still commit before it.
// queryRange checks its range against the head instead: this condition in its relation would
// make the planner expect a third of the rows (measured: other plans, a slower rebuild).
const VISIBLE = `e.transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))`;

/** The filter as a condition on `e`, a row of the events table. */
function filterCondition(parameters: SqlParameters, filter: EventFilter | undefined): string {
  const conditions: string[] = [];
  if (filter?.eventTypes)
    conditions.push(`e.event_type = ANY(${parameters.add(filter.eventTypes, 'text[]')})`);
  const prefixes = filter?.streamPrefixes;
  if (prefixes) {
    if (prefixes.length > RANGE_FILTER_PREFIXES_MAX) {
      throw invalidRead(
        `A range read takes at most ${RANGE_FILTER_PREFIXES_MAX} stream prefixes, got ${prefixes.length}.`,
      );
    }
    const each = prefixes.map(
      (prefix) => `starts_with(e.stream_name, ${parameters.add(prefix, 'text')})`,
    );
    conditions.push(each.length === 0 ? 'false' : `(${each.join(' OR ')})`);
  }
  return conditions.length === 0 ? 'true' : conditions.join(' AND ');
}

function valueAt(document: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let value: unknown = document;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

// What `data #>> path` reads for the same value: a string as it is, anything else as JSON.
function asStoredText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function fieldColumn(
  parameters: SqlParameters,
  name: string,
  path: readonly string[],
  query: RangeQuery,
): string {
  if (!FIELD_NAME.test(name) || RELATION_COLUMNS.has(name)) {
    throw invalidRead(
      `"${name}" cannot name a field column (lower-case letters, digits and _, not a column of the relation).`,
    );
  }
  const read = `e.data #>> ${parameters.add(path, 'text[]')}`;
  const defaults = Object.entries(query.storedDefaults ?? {}).flatMap(([type, document]) => {
    const value = valueAt(document, path);
    return value === undefined || value === null ? [] : [[type, asStoredText(value)] as const];
  });
  if (defaults.length === 0) return `${read} AS ${name}`;
  const cases = defaults.map(
    ([type, value]) => `WHEN ${parameters.add(type, 'text')} THEN ${parameters.add(value, 'text')}`,
  );
  return `coalesce(${read}, CASE e.event_type ${cases.join(' ')} END) AS ${name}`;
}

/** The relation a RangeQuery's statement reads, with its parameters numbered after the statement's. */
export function rangeEventsRelation(query: RangeQuery): {
  relation: string;
  parameters: unknown[];
} {
  const fields = Object.entries(query.fields ?? {});
  if (fields.length > RANGE_FIELDS_MAX)
    throw invalidRead(
      `A range query adds at most ${RANGE_FIELDS_MAX} fields, got ${fields.length}.`,
    );
  const parameters = new SqlParameters((query.params?.length ?? 0) + 1);
  const columns = fields
    .map(([name, path]) => `,\n         ${fieldColumn(parameters, name, path, query)}`)
    .join('');
  const relation = `(
  SELECT e.transaction_id AS commit_position, e.global_position AS prepare_position, e.event_id, e.stream_name,
         e.stream_revision, e.event_type, e.data, e.metadata, e.created_at${columns}
    FROM event_store_events e
   WHERE ${inRange(parameters, query.range)}
     AND ${filterCondition(parameters, query.filter)})`;
  return { relation, parameters: parameters.values };
}

/**
 * The end of the next range: the position `eventsMax` events (of any stream) after `after`, or
 * the last visible event at or before `upTo` when fewer remain, and how many events of the
 * range match the filter. One row, with NULL positions when nothing is left.
 */
export function selectNextRange(
  after: PositionRange['after'],
  upTo: PositionRange['upTo'],
  eventsMax: number,
  filter: EventFilter | undefined,
): { sql: string; parameters: unknown[] } {
  const parameters = new SqlParameters(1);
  const range = `${inRange(parameters, { after, upTo })}
     AND ${VISIBLE}`;
  const matches = filterCondition(parameters, filter);
  const sql = `
WITH chunk AS (
  SELECT e.transaction_id, e.global_position, ${matches} AS matches
    FROM event_store_events e
   WHERE ${range}
   ORDER BY e.transaction_id, e.global_position
   LIMIT ${parameters.add(eventsMax, 'integer')})
SELECT last.transaction_id::text AS commit_position, last.global_position::text AS prepare_position,
       (SELECT count(*) FROM chunk WHERE chunk.matches)::text AS matching
  FROM (SELECT 1) AS one
  LEFT JOIN (SELECT transaction_id, global_position FROM chunk
              ORDER BY transaction_id DESC, global_position DESC LIMIT 1) last ON true`;
  return { sql, parameters: parameters.values };
}
