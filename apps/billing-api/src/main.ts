import 'reflect-metadata';
import { messageBusFromEnvironment } from '@tally/messaging';
import { createLogger } from '@tally/observability';
import {
  exitOnStartFailure,
  openDatabase,
  runtimeConfigFromEnvironment,
  stopOnSignals,
  topicNamesFromEnvironment,
} from '@tally/runtime';
import { authOptionsFromEnvironment } from './auth/auth-options';
import { clientLimitsFromEnvironment } from './boundary/client-limits';
import { createBillingApi } from './billing-api';

async function main(): Promise<void> {
  const logger = createLogger('billing-api');
  const config = runtimeConfigFromEnvironment();
  const auth = authOptionsFromEnvironment();
  const clientLimits = clientLimitsFromEnvironment();
  const jwtSecret = process.env.TALLY_JWT_SECRET || undefined;
  if (!jwtSecret && !auth.jwksFile && !auth.jwksUrl)
    throw new Error(
      'set TALLY_JWT_SECRET, or TALLY_JWKS_FILE / TALLY_JWKS_URL (the embedded `npm start` generates a secret)',
    );
  const database = await openDatabase({ ...config, applicationName: 'tally-billing-api' });
  const bus = messageBusFromEnvironment('tally-billing-api');
  const app = await createBillingApi({
    store: database.store,
    sql: database.sql,
    bus,
    ...(jwtSecret ? { jwtSecret } : {}),
    auth,
    ...clientLimits,
    topics: topicNamesFromEnvironment(),
    logger,
  });
  // HOST defaults to 127.0.0.1 here too: exposing the API is a decision (HOST=0.0.0.0 in a
  // container), not an accident.
  await app.listen(config.port, config.host);
  logger.info({ host: config.host, port: config.port }, 'billing API listening');
  stopOnSignals(logger, 'stopping', [() => app.close(), () => bus.close(), () => database.close()]);
}

exitOnStartFailure(main());
