import 'reflect-metadata';
import { createLogger, startMetricsServer } from '@tally/observability';
import { openDatabase, runtimeConfigFromEnvironment } from '@tally/runtime';
import { startProjector } from './projector.service';

const metricsPortDefault = 9465;

async function main(): Promise<void> {
  const logger = createLogger('projector');
  const database = await openDatabase(runtimeConfigFromEnvironment());
  const running = await startProjector({ store: database.store, sql: database.sql, logger });
  const metricsServer = await startMetricsServer(
    running.metrics.registry,
    Number(process.env.METRICS_PORT ?? metricsPortDefault),
  );
  const shutdown = async (signal: string): Promise<void> => {
    logger.info({ signal }, 'stopping: finishing the batch in hand');
    await running.stop();
    await database.close();
    metricsServer.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
