import { MetricSet } from '@tally/observability';

/** Reads how many workspaces each projection holds back (the projections it omits hold none). */
export type HeldWorkspaceCounts = () => Promise<Map<string, number>>;

/** The projector's Prometheus metrics, on a registry of its own. */
export class ProjectorMetrics {
  private readonly metrics = new MetricSet('tally_projector');
  readonly registry = this.metrics.registry;
  readonly eventsProjected = this.metrics.counter(
    'events_total',
    'Stored events handed to the projections',
  );
  readonly batchDuration = this.metrics.histogram(
    'batch_duration_seconds',
    'Time to apply one batch to every projection',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
  readonly lagSeconds = this.metrics.gauge(
    'lag_seconds',
    'Age of the last projected event when its batch was applied',
  );
  readonly lastPosition = this.metrics.gauge(
    'position',
    'Global sequence number (position.prepare) of the last projected event',
  );
  readonly errors = this.metrics.counter(
    'errors_total',
    'Failed batches (retried by the subscription)',
  );
  readonly heldWorkspaces;

  /**
   * `projectionNames` get a held-workspaces series each (0 included); `countHeld` is read on
   * every scrape, since `projections retry` releases holds from another process.
   */
  constructor(projectionNames: readonly string[] = [], countHeld?: HeldWorkspaceCounts) {
    this.heldWorkspaces = this.metrics.gauge(
      'held_workspaces',
      'Workspaces a projection holds back after one of their events failed (tally-ops projections held)',
      ['projection'],
      async function collect() {
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
    );
    for (const projection of projectionNames) this.heldWorkspaces.set({ projection }, 0);
  }
}
