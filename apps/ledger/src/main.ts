import 'reflect-metadata';
import { createLogger } from '@tally/observability';
import { messageBusFromEnvironment } from '@tally/messaging';
import {
  exitOnStartFailure,
  openDatabase,
  runtimeConfigFromEnvironment,
  stopOnSignals,
} from '@tally/runtime';
import { startMetricsServer } from '@tally/observability';
import { ledgerGroupIdFromEnvironment } from './ledger.config';
import { startLedger } from './ledger.service';

const metricsPortDefault = 9464;

async function main(): Promise<void> {
  const logger = createLogger('ledger');
  const config = runtimeConfigFromEnvironment();
  if (!config.kafkaBrokers) {
    logger.warn(
      'KAFKA_BROKERS is not set: consuming from the in-process bus (only useful inside `npm start`)',
    );
  }
  const database = await openDatabase({ ...config, applicationName: 'tally-ledger' });
  const bus = messageBusFromEnvironment('tally-ledger');
  const running = await startLedger({
    store: database.store,
    sql: database.sql,
    bus,
    groupId: ledgerGroupIdFromEnvironment(),
    publishAlerts: process.env.TALLY_PUBLISH_ALERTS !== 'false',
    logger,
  });
  const metricsServer = await startMetricsServer(
    running.metrics.registry,
    Number(process.env.METRICS_PORT ?? metricsPortDefault),
  );
  stopOnSignals(logger, 'stopping: finishing the batch in hand, committing, leaving the group', [
    () => running.stop(),
    () => bus.close(),
    () => database.close(),
    () => metricsServer.close(),
  ]);
}

exitOnStartFailure(main());
