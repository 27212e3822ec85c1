import { INestApplication } from '@nestjs/common';
import { authOptionsFromEnvironment, createBillingApi } from '../../billing-api/src';
import { ledgerGroupIdFromEnvironment, startLedger } from '../../ledger/src';
import { startProjector } from '../../projector/src';
import { messageBusFromEnvironment } from '@tally/messaging';
import { Logger } from '@tally/observability';
import {
  Database,
  openDatabase,
  RuntimeConfig,
  runtimeConfigFromEnvironment,
  topicNamesFromEnvironment,
} from '@tally/runtime';
import { jwtSecretFor } from './jwt-secret';

/** The whole of Tally in one process, started; `closers` in the order that loses nothing. */
export interface RunningTally {
  config: RuntimeConfig;
  database: Database;
  api: INestApplication;
  jwtSecret: string;
  auth: ReturnType<typeof authOptionsFromEnvironment>;
  closers: (() => Promise<unknown>)[];
}

/**
 * Ledger, projector and billing API over the in-process bus and embedded PostgreSQL by default,
 * or over KAFKA_BROKERS / DATABASE_URL when set; every setting read as the standalone apps read it.
 */
export async function startTally(logger: Logger, env = process.env): Promise<RunningTally> {
  const config = runtimeConfigFromEnvironment(env);
  const database = await openDatabase(config);
  const topics = topicNamesFromEnvironment(env);
  const bus = messageBusFromEnvironment('tally', env);
  const jwtSecret = jwtSecretFor(config.dataDir);
  const auth = authOptionsFromEnvironment();
  const ledger = await startLedger({
    store: database.store,
    sql: database.sql,
    bus,
    topics,
    groupId: ledgerGroupIdFromEnvironment(env),
    logger: logger.child({ app: 'ledger' }),
  });
  const projector = await startProjector({
    store: database.store,
    sql: database.sql,
    logger: logger.child({ app: 'projector' }),
  });
  const api = await createBillingApi({
    store: database.store,
    sql: database.sql,
    bus,
    jwtSecret,
    auth,
    ledger: ledger.ledger,
    topics,
    logger: logger.child({ app: 'billing-api' }),
  });
  await api.listen(config.port, config.host);
  return {
    config,
    database,
    api,
    jwtSecret,
    auth,
    closers: [
      () => api.close(),
      () => ledger.stop(),
      () => projector.stop(),
      () => bus.close(),
      () => database.close(),
    ],
  };
}
