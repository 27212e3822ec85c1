import 'reflect-metadata';
import { createLogger, startMetricsServer } from '@tally/observability';
import {
  exitOnStartFailure,
  openDatabase,
  runtimeConfigFromEnvironment,
  stopOnSignals,
} from '@tally/runtime';
import { startProjector } from './projector.service';

const metricsPortDefault = 9465;

async function main(): Promise<void> {
  const logger = createLogger('projector');
  const database = await openDatabase({
    ...runtimeConfigFromEnvironment(),
    applicationName: 'tally-projector',
  });
  const running = await startProjector({ store: database.store, sql: database.sql, logger });
  const metricsServer = await startMetricsServer(
    running.metrics.registry,
    Number(process.env.METRICS_PORT ?? metricsPortDefault),
  );
  stopOnSignals(logger, 'stopping: finishing the batch in hand', [
    () => running.stop(),
    () => database.close(),
    () => metricsServer.close(),
  ]);
}

exitOnStartFailure(main());
