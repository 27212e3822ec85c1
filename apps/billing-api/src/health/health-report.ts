import { positionToString } from '@tally/event-store';
import type { StuckPartition } from '@tally/ledger';
import type { ProjectorHealth } from '@tally/projections';

/** A check `/health` runs; each failing one is named in the body's `failed`. */
export type HealthCheck = 'database' | 'projector' | 'heldWorkspaces' | 'stuckPartitions';

/** The body of `GET /health` (docs/api.md): 200 when `failed` is empty, 503 otherwise. */
export interface HealthReport {
  status: 'ok' | 'unavailable';
  failed: HealthCheck[];
  database: 'ok' | 'unreachable';
  projector: {
    /** stalled: committed events have waited past the limit with the lowest checkpoint not moving. */
    status: 'ok' | 'stalled' | 'unknown';
    lowestCheckpoint: string | null;
    waitingSince: string | null;
  };
  /** Workspaces whose read model is held back (oldest first, at most HELD_LISTED_MAX). */
  heldWorkspaces: {
    projection: string;
    workspaceId: string;
    position: string;
    error: string;
    since: string;
  }[];
  heldWorkspaceCount: number;
  /** Partitions a ledger group waits on at a batch it cannot decode or dead-letter (`npm run ops -- dlq stuck`; `codec` says which). */
  stuckPartitions: {
    groupId: string;
    topic: string;
    partition: number;
    firstOffset: string;
    codec: string;
    error: string;
    since: string;
  }[];
}

export const UNREACHABLE_REPORT: HealthReport = {
  status: 'unavailable',
  failed: ['database'],
  database: 'unreachable',
  projector: { status: 'unknown', lowestCheckpoint: null, waitingSince: null },
  heldWorkspaces: [],
  heldWorkspaceCount: 0,
  stuckPartitions: [],
};

export function healthReportOf(health: ProjectorHealth, stuck: StuckPartition[]): HealthReport {
  const failed: HealthCheck[] = [];
  if (health.stalled) failed.push('projector');
  if (health.heldTotal > 0) failed.push('heldWorkspaces');
  if (stuck.length > 0) failed.push('stuckPartitions');
  return {
    status: failed.length === 0 ? 'ok' : 'unavailable',
    failed,
    database: 'ok',
    projector: {
      status: health.stalled ? 'stalled' : 'ok',
      lowestCheckpoint:
        health.lowestCheckpoint === null ? null : positionToString(health.lowestCheckpoint),
      waitingSince: health.waitingSince?.toISOString() ?? null,
    },
    heldWorkspaces: health.held.map((hold) => ({
      projection: hold.projection,
      workspaceId: hold.workspaceId,
      position: positionToString(hold.position),
      error: hold.error,
      since: hold.heldAt.toISOString(),
    })),
    heldWorkspaceCount: health.heldTotal,
    stuckPartitions: stuck.map((partition) => ({
      groupId: partition.groupId,
      topic: partition.topic,
      partition: partition.partition,
      firstOffset: partition.firstOffset,
      codec: partition.codec,
      error: partition.error,
      since: partition.stuckSince.toISOString(),
    })),
  };
}
