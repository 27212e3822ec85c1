import type { WorkspaceState } from '@tally/credits';
import { decodeWorkspaceState, encodeWorkspaceState } from './credit-event.codec';
import { SqlClient } from '@tally/event-store';
import { ledgerMigrated } from './ledger.migrations';

/**
 * The version of the stored state: what `encodeWorkspaceState` writes for a `WorkspaceState`.
 * Bump it whenever either changes shape; every snapshot of another version is then ignored on
 * load (its workspace is rebuilt from events) and replaced by the next one taken.
 * `workspace-snapshots.spec.ts` pins the encoded state's key paths to this number, so a field
 * added without a bump fails it; `workspace-state.shape.ts` lists the fields a snapshot must hold.
 */
export const WORKSPACE_SNAPSHOT_VERSION = 2;

export interface WorkspaceSnapshot {
  workspaceId: string;
  /** The stream revision the state was decided up to (inclusive). */
  revision: bigint;
  state: WorkspaceState;
}

interface SnapshotRow {
  workspace_id: string;
  revision: string;
  state_version: number;
  state: unknown;
}

/**
 * The state a stored document holds, or null when it is not a whole state of this workspace:
 * `decodeWorkspaceState` checks every field at every depth (amounts, instants, the period,
 * each grant and reservation) and refuses anything else. Never a partly read state.
 */
function stateOfDocument(workspaceId: string, stored: unknown): WorkspaceState | null {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return null;
  const document = stored as Record<string, unknown>;
  if (document.workspaceId !== workspaceId) return null;
  try {
    return decodeWorkspaceState(document);
  } catch {
    return null;
  }
}

function snapshotOfRow(row: SnapshotRow): WorkspaceSnapshot | null {
  if (Number(row.state_version) !== WORKSPACE_SNAPSHOT_VERSION) return null;
  const revision = BigInt(row.revision);
  const stored: unknown = typeof row.state === 'string' ? JSON.parse(row.state) : row.state;
  const state = revision >= 0n ? stateOfDocument(row.workspace_id, stored) : null;
  return state === null ? null : { workspaceId: row.workspace_id, revision, state };
}

/**
 * Snapshots of workspace states, so a ledger that starts cold reads only the events after the
 * snapshot instead of a whole period of a busy workspace. A cache, not a source of truth: a
 * snapshot is written after its events were committed, is correct for its revision forever, and
 * a lost, old or unreadable one only means reading more events. The table is the ledger's
 * (ledger.migrations.ts), migrated before first use.
 */
export class WorkspaceSnapshots {
  constructor(private readonly sql: SqlClient) {}

  /** The usable snapshots of these workspaces; one of another version, or unreadable, is left out. */
  async load(workspaceIds: string[]): Promise<Map<string, WorkspaceSnapshot>> {
    await ledgerMigrated(this.sql);
    const rows = await this.sql.query<SnapshotRow>(
      `select workspace_id, revision::text as revision, state_version, state from tally_workspace_snapshots
        where workspace_id = any($1::text[])`,
      [workspaceIds],
    );
    const snapshots = new Map<string, WorkspaceSnapshot>();
    for (const row of rows) {
      const snapshot = snapshotOfRow(row);
      if (snapshot) snapshots.set(snapshot.workspaceId, snapshot);
    }
    return snapshots;
  }

  /**
   * Keeps the newest snapshot of each workspace: an older one never replaces a newer one of the
   * same version, and a snapshot of another version is always replaced.
   */
  async save(snapshots: WorkspaceSnapshot[]): Promise<void> {
    if (snapshots.length === 0) return;
    await ledgerMigrated(this.sql);
    const document = JSON.stringify(
      snapshots.map((snapshot) => ({
        w: snapshot.workspaceId,
        r: snapshot.revision.toString(),
        s: encodeWorkspaceState(snapshot.state),
      })),
    );
    await this.sql.query(
      `insert into tally_workspace_snapshots (workspace_id, revision, state, taken_at, state_version)
       select x.w, x.r, x.s, now(), $2::integer from jsonb_to_recordset($1::jsonb) as x(w text, r bigint, s jsonb)
       on conflict (workspace_id) do update
         set revision = excluded.revision, state = excluded.state, taken_at = excluded.taken_at,
             state_version = excluded.state_version
         where tally_workspace_snapshots.revision < excluded.revision
            or tally_workspace_snapshots.state_version <> excluded.state_version`,
      [document, WORKSPACE_SNAPSHOT_VERSION],
    );
  }
}
