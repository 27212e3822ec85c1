import { withStoredDefaults } from '@tally/credits';
import type { SqlClient } from '@tally/event-store';
import { CREDIT_STREAM_PREFIX } from '../projections.limits';

// The ledger statement: one row per money movement, keyed by workspace and stream revision —
// one event per revision; the key pages the statement newest first. A row holds only what the
// projection decides (the movement: direction, amount, when); the event itself (id, type, data,
// time recorded) is read from the event store by the same (stream, revision) key when a page is
// served. An earlier
// version copied every event's JSON into its row: the statement then weighed as much as the
// event log and cost the pipeline a quarter of its throughput (docs/benchmarks.md). Its DDL,
// and the drop of those columns, are frozen in ../migrations/.

export interface StatementRow {
  workspaceId: string;
  revision: bigint;
  direction: 'credit' | 'debit';
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
  direction: 'credit' | 'debit';
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
  schema: string,
  workspaceId: string,
  beforeRevision: bigint | null,
  limit: number,
): Promise<StatementPageView> {
  const rows = await sql.query<{
    event_id: string;
    event_type: string;
    direction: 'credit' | 'debit';
    amount_micro: string;
    occurred_at: string;
    recorded_at: Date | string;
    revision: string;
    position: string;
    data: unknown;
  }>(
    `SELECT e.event_id::text, e.event_type, s.direction, s.amount_micro::text, s.occurred_at,
       e.created_at AS recorded_at, s.revision::text, e.global_position::text AS position, e.data
     FROM ${schema}.statement_entries s
     JOIN event_store_events e ON e.stream_name = $4::text || s.workspace_id AND e.stream_revision = s.revision
     WHERE s.workspace_id = $1 AND ($2::bigint IS NULL OR s.revision < $2::bigint)
     ORDER BY s.revision DESC LIMIT $3`,
    [
      workspaceId,
      beforeRevision === null ? null : beforeRevision.toString(),
      limit + 1,
      CREDIT_STREAM_PREFIX,
    ],
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    entries: page.map((row) => ({
      eventId: row.event_id,
      type: row.event_type,
      direction: row.direction,
      amountMicro: row.amount_micro,
      occurredAt: row.occurred_at,
      recordedAt: new Date(row.recorded_at).toISOString(),
      revision: row.revision,
      position: row.position,
      data: withStoredDefaults(
        row.event_type,
        (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as Record<string, unknown>,
      ),
    })),
    nextCursor: rows.length > limit && last ? last.revision : null,
  };
}
