import { WorkspaceState } from '@tally/credits';
import type { SqlClient } from '@tally/event-store';

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

export async function writeDeadlines(sql: SqlClient, changes: DeadlineChange[]): Promise<void> {
  const due = changes.filter((change) => change.dueAt !== null);
  const none = changes.filter((change) => change.dueAt === null);
  if (due.length > 0) {
    await sql.query(
      `INSERT INTO tally_workspace_deadlines (workspace_id, due_at)
       SELECT * FROM unnest($1::text[], $2::timestamptz[])
       ON CONFLICT (workspace_id) DO UPDATE SET due_at = excluded.due_at`,
      [due.map((change) => change.workspaceId), due.map((change) => change.dueAt)],
    );
  }
  if (none.length > 0) {
    await sql.query(`DELETE FROM tally_workspace_deadlines WHERE workspace_id = ANY($1::text[])`, [
      none.map((change) => change.workspaceId),
    ]);
  }
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
