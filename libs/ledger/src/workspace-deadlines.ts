import { WorkspaceState } from '@tally/credits';
import { BindParameter, parameterBinder, SqlClient } from '@tally/event-store';
import { ofCleanAppend } from './alongside-rows';

// Each workspace's next deadline — the soonest `expiresAt` of an open grant or a live
// reservation — kept in tally_workspace_deadlines (ledger migration 6) by the append that
// changes it, so the deadline scheduler finds due workspaces in an index, with no traffic and
// across restarts (docs/reservations.md, *Time*).

/** The soonest instant at which time alone changes this state, or null. */
export function nextDeadlineOf(state: WorkspaceState): string | null {
  // Grants are kept soonest-expiring first (no expiry last), reservations soonest first.
  const grant = state.grants[0]?.expiresAt ?? null;
  const reservation = state.reservations[0]?.expiresAt ?? null;
  if (grant === null) return reservation;
  if (reservation === null) return grant;
  return Date.parse(grant) <= Date.parse(reservation) ? grant : reservation;
}

export interface DeadlineChange {
  workspaceId: string;
  dueAt: string | null;
}

/**
 * The statements that set these deadlines: upsert the due ones, delete the rest. With
 * `streamIndexes` (one per change), parts of an append's statement that skip the changes of an
 * append that found events stored before (alongside-rows.ts).
 */
export function deadlineWrites(
  bind: BindParameter,
  changes: DeadlineChange[],
  streamIndexes?: number[],
): string[] {
  const indexesOf = (kept: (change: DeadlineChange) => boolean) =>
    streamIndexes?.filter((_, index) => kept(changes[index] as DeadlineChange)) ?? [];
  const keep = streamIndexes === undefined ? 'TRUE' : ofCleanAppend('u');
  const due = changes.filter((change) => change.dueAt !== null);
  const none = changes.filter((change) => change.dueAt === null);
  const writes: string[] = [];
  if (due.length > 0)
    writes.push(`INSERT INTO tally_workspace_deadlines (workspace_id, due_at)
       SELECT u.workspace_id, u.due_at
         FROM unnest(${bind(due.map((change) => change.workspaceId))}::text[],
                     ${bind(due.map((change) => change.dueAt))}::timestamptz[],
                     ${bind(indexesOf((change) => change.dueAt !== null))}::int[])
              AS u(workspace_id, due_at, stream_index)
        WHERE ${keep}
       ON CONFLICT (workspace_id) DO UPDATE SET due_at = excluded.due_at`);
  if (none.length > 0)
    writes.push(`DELETE FROM tally_workspace_deadlines d
        USING unnest(${bind(none.map((change) => change.workspaceId))}::text[],
                     ${bind(indexesOf((change) => change.dueAt === null))}::int[])
              AS u(workspace_id, stream_index)
        WHERE d.workspace_id = u.workspace_id AND ${keep}`);
  return writes;
}

/** Sets these deadlines on their own (the scheduler repairing rows behind their state). */
export async function writeDeadlines(sql: SqlClient, changes: DeadlineChange[]): Promise<void> {
  const parameters: unknown[] = [];
  const writes = deadlineWrites(parameterBinder(parameters), changes);
  if (writes.length === 0) return;
  const parts = writes.map((write, index) => `w${index + 1} AS (${write})`);
  await sql.query(`WITH ${parts.join(', ')} SELECT 1`, parameters);
}

export interface DueWorkspace {
  workspaceId: string;
  dueAt: Date;
}

/** The workspaces whose deadline has come by `now`, soonest first. */
export async function selectDueWorkspaces(
  sql: SqlClient,
  now: Date,
  limit: number,
): Promise<DueWorkspace[]> {
  const rows = await sql.query<{ workspace_id: string; due_at: Date | string }>(
    `SELECT workspace_id, due_at FROM tally_workspace_deadlines
      WHERE due_at <= $1::timestamptz ORDER BY due_at LIMIT $2`,
    [now.toISOString(), limit],
  );
  return rows.map((row) => ({ workspaceId: row.workspace_id, dueAt: new Date(row.due_at) }));
}
