import { decodeWorkspaceState, encodeWorkspaceState, WorkspaceState } from '@tally/credits';
import { SqlClient } from '@tally/event-store';

export interface WorkspaceSnapshot {
  workspaceId: string;
  /** The stream revision the state was decided up to (inclusive). */
  revision: bigint;
  state: WorkspaceState;
}

/**
 * Snapshots of workspace states, so a ledger that starts cold reads only the events after the
 * snapshot instead of a whole period of a busy workspace. A cache, not a source of truth: a
 * snapshot is written after its events were committed, is correct for its revision forever, and
 * a lost or old one only means reading more events.
 */
export class WorkspaceSnapshots {
  private ready: Promise<unknown> | undefined;

  constructor(private readonly sql: SqlClient) {}

  async load(workspaceIds: string[]): Promise<Map<string, WorkspaceSnapshot>> {
    await this.ensureTable();
    const rows = await this.sql.query<{ workspace_id: string; revision: string; state: unknown }>(
      `select workspace_id, revision::text as revision, state from tally_workspace_snapshots
        where workspace_id = any($1::text[])`,
      [workspaceIds],
    );
    return new Map(
      rows.map((row) => {
        const stored = (typeof row.state === 'string' ? JSON.parse(row.state) : row.state) as Record<string, unknown>;
        return [row.workspace_id, { workspaceId: row.workspace_id, revision: BigInt(row.revision), state: decodeWorkspaceState(stored) }];
      }),
    );
  }

  /** Keeps the newest snapshot of each workspace (an older one never replaces a newer). */
  async save(snapshots: WorkspaceSnapshot[]): Promise<void> {
    if (snapshots.length === 0) return;
    await this.ensureTable();
    const document = JSON.stringify(
      snapshots.map((snapshot) => ({ w: snapshot.workspaceId, r: snapshot.revision.toString(), s: encodeWorkspaceState(snapshot.state) })),
    );
    await this.sql.query(
      `insert into tally_workspace_snapshots (workspace_id, revision, state, taken_at)
       select x.w, x.r, x.s, now() from jsonb_to_recordset($1::jsonb) as x(w text, r bigint, s jsonb)
       on conflict (workspace_id) do update
         set revision = excluded.revision, state = excluded.state, taken_at = excluded.taken_at
         where tally_workspace_snapshots.revision < excluded.revision`,
      [document],
    );
  }

  private ensureTable(): Promise<unknown> {
    this.ready ??= this.sql.query(
      `create table if not exists tally_workspace_snapshots (
         workspace_id text primary key, revision bigint not null, state jsonb not null,
         taken_at timestamptz not null)`,
    );
    return this.ready;
  }
}
