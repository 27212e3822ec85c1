import 'reflect-metadata';
import { createLogger } from '@tally/observability';
import { messageBusFromEnvironment } from '@tally/messaging';
import { openDatabase, runtimeConfigFromEnvironment } from '@tally/runtime';
import { startMetricsServer } from '@tally/observability';
import { startLedger } from './ledger.service';

const metricsPortDefault = 9464;

async function main(): Promise<void> {
  const logger = createLogger('ledger');
  const config = runtimeConfigFromEnvironment();
  if (!config.kafkaBrokers) {
    logger.warn('KAFKA_BROKERS is not set: consuming from the in-process bus (only useful inside `npm start`)');
  }
  const database = await openDatabase(config);
  const bus = messageBusFromEnvironment('tally-ledger');
  const running = await startLedger({
    store: database.store,
    sql: database.sql,
    bus,
    groupId: process.env.TALLY_LEDGER_GROUP_ID,
    logger,
  });
  const metricsServer = await startMetricsServer(running.metrics.registry, Number(process.env.METRICS_PORT ?? metricsPortDefault));
  const shutdown = async (signal: string): Promise<void> => {
    logger.info({ signal }, 'stopping: finishing the batch in hand, committing, leaving the group');
    await running.stop();
    await bus.close();
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
