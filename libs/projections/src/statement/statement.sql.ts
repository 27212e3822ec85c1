import type { SqlClient } from '@tally/event-store';

// The ledger statement: one row per money movement, keyed by workspace and stream revision —
// one event per revision, so a replayed event hits the key and changes nothing, and the same
// key pages the statement newest first. (A key on the random event id as well cost a second
// index insert per event: the statement was the projector's slowest projection.)

export async function createStatementTable(sql: SqlClient, schema: string): Promise<void> {
  await sql.query(`CREATE TABLE IF NOT EXISTS ${schema}.statement_entries (
    event_id     uuid   NOT NULL,
    workspace_id text   NOT NULL,
    revision     bigint NOT NULL,
    position     bigint NOT NULL,
    event_type   text   NOT NULL,
    direction    text   NOT NULL,
    amount_micro bigint NOT NULL,
    occurred_at  text   NOT NULL,
    recorded_at  timestamptz NOT NULL,
    data         jsonb  NOT NULL,
    CONSTRAINT statement_entries_pkey PRIMARY KEY (workspace_id, revision)
  )`);
}

export interface StatementRow {
  eventId: string;
  workspaceId: string;
  revision: bigint;
  position: bigint;
  eventType: string;
  direction: 'credit' | 'debit';
  amountMicro: bigint;
  occurredAt: string;
  recordedAt: Date;
  data: unknown;
}

export async function insertStatementEntries(
  sql: SqlClient,
  schema: string,
  rows: StatementRow[],
): Promise<void> {
  if (rows.length === 0) return;
  // One JSON document for the batch: the driver would otherwise escape every event's data
  // character by character into a jsonb[] literal (a measured hot spot of the projector).
  const document = JSON.stringify(
    rows.map((row) => ({
      i: row.eventId,
      w: row.workspaceId,
      r: row.revision.toString(),
      p: row.position.toString(),
      t: row.eventType,
      d: row.direction,
      a: row.amountMicro.toString(),
      o: row.occurredAt,
      at: row.recordedAt.toISOString(),
      data: row.data,
    })),
  );
  await sql.query(
    `INSERT INTO ${schema}.statement_entries
     SELECT x.i, x.w, x.r, x.p, x.t, x.d, x.a, x.o, x.at, x.data
       FROM jsonb_to_recordset($1::jsonb) AS x(i uuid, w text, r bigint, p bigint, t text, d text, a bigint,
            o text, at timestamptz, data jsonb)
     ON CONFLICT (workspace_id, revision) DO NOTHING`,
    [document],
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
    `SELECT event_id::text, event_type, direction, amount_micro::text, occurred_at, recorded_at, revision::text,
       position::text, data
     FROM ${schema}.statement_entries
     WHERE workspace_id = $1 AND ($2::bigint IS NULL OR revision < $2::bigint)
     ORDER BY statement_entries.revision DESC LIMIT $3`,
    [workspaceId, beforeRevision === null ? null : beforeRevision.toString(), limit + 1],
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
      data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data,
    })),
    nextCursor: rows.length > limit && last ? last.revision : null,
  };
}
