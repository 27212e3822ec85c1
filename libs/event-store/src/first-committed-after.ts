import type { Position } from './event-store.port';
import { positionFromRow } from './event-rows';
import type { SqlClient } from './sql-client.port';
import { SELECT_FIRST_COMMITTED_AFTER } from './sql/event-store-queries.sql';

/**
 * The first committed event after `from` in the global order among streams with one of the
 * prefixes (all streams when absent), whether subscribers may see it yet or not, and when it
 * was recorded; null when nothing is committed after `from`. One index range scan. For a
 * reader that shares the store's database but not the store object (the billing API's health).
 */
export async function firstCommittedEventAfter(
  sql: SqlClient,
  from: Position,
  streamPrefixes?: string[],
): Promise<{ position: Position; createdAt: Date } | null> {
  const [row] = await sql.query<{
    commit_position: string;
    prepare_position: string;
    created_at_ms: string;
  }>(SELECT_FIRST_COMMITTED_AFTER, [
    from.commit.toString(),
    from.prepare.toString(),
    streamPrefixes ?? null,
  ]);
  return row
    ? { position: positionFromRow(row), createdAt: new Date(Number(row.created_at_ms)) }
    : null;
}
