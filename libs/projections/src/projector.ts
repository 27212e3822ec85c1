import {
  EventStore,
  EventSubscription,
  Position,
  RecordedEvent,
  SqlClient,
} from '@tally/event-store';
import { readCheckpoints } from './checkpoints/checkpoints.sql';
import { CREDIT_STREAMS } from './credit-streams';
import { applyLiveBatch } from './live-batch';
import type { Projection, ProjectionName } from './projection';
import { decodeBatchHoldingBack } from './projection-batch';
import { migrateProjections } from './projections.migrations';
import { LIVE_SCHEMA, PROJECTOR_BATCH_SIZE_MAX } from './projections.limits';
import { ALL_PROJECTIONS } from './projections.registry';
import { lowestCheckpoint, projectionsReached } from './projection-status';

/** A workspace a projection has just held back (see docs/projections.md). */
export interface HoldReport {
  projection: ProjectionName;
  workspaceId: string;
  /** The first event of the workspace the projection did not apply. */
  position: Position;
  streamRevision: bigint;
  error: string;
}

export interface ProjectorOptions {
  projections?: readonly Projection[];
  batchSizeMax?: number;
  onError?: (error: Error) => void;
  /** Called once per workspace a projection holds back, after the batch committed. */
  onHold?: (hold: HoldReport) => void;
  /** Called after every batch (metrics). */
  onBatch?: (report: {
    events: number;
    seconds: number;
    lastPosition: Position;
    createdAt: Date;
  }) => void;
}

const waitPollIntervalMs = 20;

/**
 * Feeds every projection from one subscription to the store, starting after the lowest
 * checkpoint; each projection skips what it already has, so they may sit at different places.
 * Projections of a batch run concurrently, each in its own transaction with its checkpoint.
 */
export class Projector {
  private subscription: EventSubscription | null = null;
  private readonly projections: readonly Projection[];

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlClient,
    private readonly options: ProjectorOptions = {},
  ) {
    this.projections = options.projections ?? ALL_PROJECTIONS;
  }

  get caughtUp(): boolean {
    return this.subscription?.caughtUp ?? false;
  }

  async start(): Promise<void> {
    if (this.subscription) throw new Error('assertion failed: projector already started');
    await migrateProjections(this.sql);
    const checkpoints = await readCheckpoints(this.sql, LIVE_SCHEMA);
    const fromPosition = lowestCheckpoint(checkpoints, this.projections);
    this.subscription = this.store.subscribeToAll({
      ...(fromPosition === null ? {} : { fromPosition }),
      filter: CREDIT_STREAMS,
      batchSizeMax: this.options.batchSizeMax ?? PROJECTOR_BATCH_SIZE_MAX,
      onEvents: (events) => this.applyBatch(events),
      onError: this.options.onError,
    });
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.stop();
  }

  /**
   * Applies one batch to every projection (also what a test replays with). A workspace whose
   * event does not decode or apply is held back; the others are applied.
   */
  async applyBatch(events: RecordedEvent[]): Promise<void> {
    const started = performance.now();
    const batch = decodeBatchHoldingBack(events);
    const target = { schema: LIVE_SCHEMA, notify: true };
    const outcomes = await Promise.all(
      this.projections.map((projection) => applyLiveBatch(this.sql, projection, target, batch)),
    );
    for (const [index, outcome] of outcomes.entries()) {
      const projection = this.projections[index];
      if (!projection) continue;
      for (const hold of outcome.held) {
        this.options.onHold?.({
          projection: projection.name,
          workspaceId: hold.workspaceId,
          position: hold.recorded.position,
          streamRevision: hold.recorded.revision,
          error: hold.error,
        });
      }
    }
    const last = events[events.length - 1];
    if (last) {
      this.options.onBatch?.({
        events: events.length,
        seconds: (performance.now() - started) / 1_000,
        lastPosition: last.position,
        createdAt: last.createdAt,
      });
    }
  }

  /** Resolves once every projection's checkpoint is at or past `position`. */
  async waitFor(position: Position, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const checkpoints = await readCheckpoints(this.sql, LIVE_SCHEMA);
      if (projectionsReached(checkpoints, this.projections, position)) return;
      if (Date.now() > deadline)
        throw new Error(
          `projections did not reach ${position.commit}/${position.prepare} in ${timeoutMs} ms`,
        );
      await new Promise((resolve) => setTimeout(resolve, waitPollIntervalMs));
    }
  }
}
