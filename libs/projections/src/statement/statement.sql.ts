import { withStoredDefaults } from '@tally/ledger';
import type { EventStore, RecordedEvent, SqlClient } from '@tally/event-store';
import { workspaceStreamName } from '@tally/ledger';

// The ledger statement: one row per money movement, keyed by workspace and stream revision —
// one event per revision; the key pages the statement newest first. A row holds only what the
// projection decides (the movement: direction, amount, when); the event itself (id, type, data,
// time recorded) is read from the event store by the same (stream, revision) key when a page is
// served. An earlier
// version copied every event's JSON into its row: the statement then weighed as much as the
// event log and cost the pipeline a quarter of its throughput (docs/benchmarks.md). Its DDL,
// and the drop of those columns, are frozen in ../migrations/.

/**
 * credit / debit: money in or out; hold / release: a reservation held, or its unspent part
 * returned (no money moves, the total available changes).
 */
export type StatementDirection = 'credit' | 'debit' | 'hold' | 'release';

export interface StatementRow {
  workspaceId: string;
  revision: bigint;
  direction: StatementDirection;
  amountMicro: bigint;
  occurredAt: string;
}

export async function insertStatementEntries(
  sql: SqlClient,
  schema: string,
  rows: StatementRow[],
): Promise<void> {
  if (rows.length === 0) return;
  // A plain INSERT: the batch holds only events after the projection's checkpoint, locked in
  // this transaction, so a key can never repeat (ON CONFLICT cost a speculative insertion and
  // a confirm record per row).
  await sql.query(
    `INSERT INTO ${schema}.statement_entries
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::text[])`,
    [
      rows.map((row) => row.workspaceId),
      rows.map((row) => row.revision.toString()),
      rows.map((row) => row.direction),
      rows.map((row) => row.amountMicro.toString()),
      rows.map((row) => row.occurredAt),
    ],
  );
}

/** One entry of the ledger statement body. */
export interface StatementEntryView {
  eventId: string;
  type: string;
  direction: StatementDirection;
  amountMicro: string;
  occurredAt: string;
  recordedAt: string;
  revision: string;
  position: string;
  data: unknown;
}

export interface StatementPageView {
  entries: StatementEntryView[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export async function selectStatementPage(
  sql: SqlClient,
  events: EventStore,
  schema: string,
  workspaceId: string,
  beforeRevision: bigint | null,
  limit: number,
): Promise<StatementPageView> {
  const rows = await sql.query<{
    direction: StatementDirection;
    amount_micro: string;
    occurred_at: string;
    revision: string;
  }>(
    `SELECT s.direction, s.amount_micro::text, s.occurred_at, s.revision::text
     FROM ${schema}.statement_entries s
     WHERE s.workspace_id = $1 AND ($2::bigint IS NULL OR s.revision < $2::bigint)
     ORDER BY s.revision DESC LIMIT $3`,
    [workspaceId, beforeRevision === null ? null : beforeRevision.toString(), limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  // Each entry's event (id, type, data, when recorded), by the entry's key: its stream revision.
  const recorded = new Map<string, RecordedEvent>();
  const stream = workspaceStreamName(workspaceId);
  const read = await events.readStreamAt(
    stream,
    page.map((row) => BigInt(row.revision)),
  );
  for (const event of read) recorded.set(event.revision.toString(), event);
  return {
    entries: page.map((row) => {
      const event = recorded.get(row.revision);
      if (!event)
        throw new Error(
          `assertion failed: ${stream} has no event at statement revision ${row.revision}`,
        );
      return {
        eventId: event.id,
        type: event.type,
        direction: row.direction,
        amountMicro: row.amount_micro,
        occurredAt: row.occurred_at,
        recordedAt: event.createdAt.toISOString(),
        revision: row.revision,
        position: event.position.prepare.toString(),
        data: withStoredDefaults(event.type, event.data as Record<string, unknown>),
      };
    }),
    nextCursor: rows.length > limit && last ? last.revision : null,
  };
}
