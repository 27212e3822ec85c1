import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Reads how many workspaces each projection holds back (the projections it omits hold none). */
export type HeldWorkspaceCounts = () => Promise<Map<string, number>>;

/** The projector's Prometheus metrics, on a registry of its own. */
export class ProjectorMetrics {
  readonly registry = new Registry();
  readonly eventsProjected = new Counter({
    name: 'tally_projector_events_total',
    help: 'Stored events handed to the projections',
    registers: [this.registry],
  });
  readonly batchDuration = new Histogram({
    name: 'tally_projector_batch_duration_seconds',
    help: 'Time to apply one batch to every projection',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly lagSeconds = new Gauge({
    name: 'tally_projector_lag_seconds',
    help: 'Age of the last projected event when its batch was applied',
    registers: [this.registry],
  });
  readonly lastPosition = new Gauge({
    name: 'tally_projector_position',
    help: 'Global sequence number (position.prepare) of the last projected event',
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'tally_projector_errors_total',
    help: 'Failed batches (retried by the subscription)',
    registers: [this.registry],
  });
  readonly heldWorkspaces: Gauge<'projection'>;

  /**
   * `projectionNames` get a held-workspaces series each (0 included); `countHeld` is read on
   * every scrape, since `projections retry` releases holds from another process.
   */
  constructor(projectionNames: readonly string[] = [], countHeld?: HeldWorkspaceCounts) {
    this.heldWorkspaces = new Gauge({
      name: 'tally_projector_held_workspaces',
      help: 'Workspaces a projection holds back after one of their events failed (tally-ops projections held)',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        if (!countHeld) return;
        let counts: Map<string, number>;
        try {
          counts = await countHeld();
        } catch {
          return; // the database is unreachable: keep the last values
        }
        for (const projection of new Set([...projectionNames, ...counts.keys()]))
          this.set({ projection }, counts.get(projection) ?? 0);
      },
    });
    for (const projection of projectionNames) this.heldWorkspaces.set({ projection }, 0);
  }
}
