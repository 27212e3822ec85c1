import { positionToString, type EventStore, type SqlClient } from '@tally/event-store';
import { createLogger, Logger } from '@tally/observability';
import { PROJECTION_NAMES, ProjectionQueries, Projector } from '@tally/projections';
import { ProjectorMetrics } from './projector.metrics';

export interface RunningProjector {
  projector: Projector;
  metrics: ProjectorMetrics;
  stop(): Promise<void>;
}

/** Starts the projector on the given database; `stop()` finishes the batch in hand. */
export async function startProjector(deps: {
  store: EventStore;
  sql: SqlClient;
  logger?: Logger;
}): Promise<RunningProjector> {
  const logger = deps.logger ?? createLogger('projector');
  const queries = new ProjectionQueries(deps.sql);
  const metrics = new ProjectorMetrics(PROJECTION_NAMES, () => queries.heldWorkspaceCounts());
  const projector = new Projector(deps.store, deps.sql, {
    onError: (error) => {
      metrics.errors.inc();
      logger.error({ err: error }, 'projection batch failed; it will be retried');
    },
    onHold: (hold) => {
      logger.error(
        {
          projection: hold.projection,
          workspaceId: hold.workspaceId,
          position: positionToString(hold.position),
          streamRevision: hold.streamRevision.toString(),
          error: hold.error,
        },
        'workspace held back: this projection skips its events until `tally-ops projections retry` re-applies them; every other workspace keeps projecting',
      );
    },
    onBatch: ({ events, seconds, lastPosition, createdAt }) => {
      metrics.eventsProjected.inc(events);
      metrics.batchDuration.observe(seconds);
      metrics.lagSeconds.set(Math.max(0, (Date.now() - createdAt.getTime()) / 1_000));
      metrics.lastPosition.set(Number(lastPosition.prepare));
      logger.debug({ events, seconds }, 'batch projected');
    },
  });
  await projector.start();
  logger.info('projector subscribed');
  return { projector, metrics, stop: () => projector.stop() };
}
