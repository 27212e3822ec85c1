import 'reflect-metadata';
import { messageBusFromEnvironment } from '@tally/messaging';
import { createLogger } from '@tally/observability';
import { exitOnStartFailure, openDatabase, runtimeConfigFromEnvironment, stopOnSignals, topicNamesFromEnvironment } from '@tally/runtime';
import { createBillingApi } from './billing-api';

async function main(): Promise<void> {
  const logger = createLogger('billing-api');
  const config = runtimeConfigFromEnvironment();
  const jwtSecret = process.env.TALLY_JWT_SECRET;
  if (!jwtSecret)
    throw new Error('TALLY_JWT_SECRET must be set (the embedded `npm start` generates one)');
  const database = await openDatabase({ ...config, applicationName: 'tally-billing-api' });
  const bus = messageBusFromEnvironment('tally-billing-api');
  const app = await createBillingApi({
    store: database.store,
    sql: database.sql,
    bus,
    jwtSecret,
    topics: topicNamesFromEnvironment(),
    logger,
  });
  await app.listen(config.port);
  logger.info({ port: config.port }, 'billing API listening');
  stopOnSignals(logger, 'stopping', [
    () => app.close(),
    () => bus.close(),
    () => database.close(),
  ]);
}

exitOnStartFailure(main());
