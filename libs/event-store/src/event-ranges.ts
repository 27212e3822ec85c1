import { EventStoreError, EventStoreErrorCode } from './event-store.errors';
import { RANGE_EVENTS_MAX } from './event-store.limits';
import type { EventRange, NextRangeOptions, Position, RangeQuery } from './event-store.port';
import { positionFromRow } from './event-rows';
import type { SqlClient } from './sql-client.port';
import { comparePositions, positionToString, START } from './position';
import { rangeEventsRelation, selectNextRange } from './sql/event-ranges.sql';
import { SELECT_HEAD_POSITION } from './sql/event-store-queries.sql';

// The store's set-based reads, for read models in the same database: ranges of the global
// order, and statements run over a range's events without their rows leaving PostgreSQL.

export async function nextEventRange(
  sql: SqlClient,
  after: Position,
  options: NextRangeOptions,
): Promise<EventRange | null> {
  const { eventsMax } = options;
  if (!Number.isInteger(eventsMax) || eventsMax < 1 || eventsMax > RANGE_EVENTS_MAX) {
    throw new EventStoreError(
      EventStoreErrorCode.InvalidRead,
      `eventsMax must be an integer from 1 to ${RANGE_EVENTS_MAX}, got ${eventsMax}.`,
    );
  }
  const statement = selectNextRange(after, options.upTo, eventsMax, options.filter);
  const [row] = await sql.query<{
    commit_position: string | null;
    prepare_position: string | null;
    matching: string;
  }>(statement.sql, statement.parameters);
  if (!row || row.commit_position === null || row.prepare_position === null) return null;
  const upTo = positionFromRow({
    commit_position: row.commit_position,
    prepare_position: row.prepare_position,
  });
  return { range: { after, upTo }, matching: Number(row.matching) };
}

export async function queryEventRange<Row>(sql: SqlClient, query: RangeQuery): Promise<Row[]> {
  const { relation, parameters } = rangeEventsRelation(query);
  // A range up to a head position holds events that can never change; past it, it could.
  const [head] = await sql.query<{ commit_position: string; prepare_position: string }>(
    SELECT_HEAD_POSITION,
  );
  if (comparePositions(query.range.upTo, head ? positionFromRow(head) : START) > 0) {
    throw new EventStoreError(
      EventStoreErrorCode.InvalidRead,
      `A range query must end at or before the head position ${head ? `${head.commit_position}/${head.prepare_position}` : 'START'}, got ${positionToString(query.range.upTo)}.`,
    );
  }
  return await sql.query<Row>(query.statement(relation), [...(query.params ?? []), ...parameters]);
}
