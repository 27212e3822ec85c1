import { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import {
  authOptionsFromEnvironment,
  clientLimitsFromEnvironment,
  createBillingApi,
} from '../../billing-api/src';
import { ledgerGroupIdFromEnvironment, startLedger } from '../../ledger/src';
import { startProjector } from '../../projector/src';
import { messageBusFromEnvironment } from '@tally/messaging';
import { Logger, startMetricsServer } from '@tally/observability';
import { Registry } from 'prom-client';
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
  /** Where the ledger's and projector's metrics are served, when METRICS_PORT is set. */
  metricsPort: number | null;
  closers: (() => Promise<unknown>)[];
}

/**
 * Ledger, projector and billing API over the in-process bus and embedded PostgreSQL by default,
 * or over KAFKA_BROKERS / DATABASE_URL when set; every setting read as the standalone apps read it.
 */
export async function startTally(logger: Logger, env = process.env): Promise<RunningTally> {
  const config = runtimeConfigFromEnvironment(env);
  const clientLimits = clientLimitsFromEnvironment(env); // a bad setting stops before anything starts
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
    ...clientLimits,
    ledger: ledger.ledger,
    topics,
    logger: logger.child({ app: 'billing-api' }),
  });
  await api.listen(config.port, config.host);
  // One endpoint for both registries (their names never collide: tally_ledger_*, tally_projector_*);
  // the API's tally_api_* stay on the API's own /metrics.
  const metricsServer = env.METRICS_PORT?.trim()
    ? await startMetricsServer(
        Registry.merge([ledger.metrics.registry, projector.metrics.registry]),
        Number(env.METRICS_PORT),
      )
    : null;
  return {
    config,
    database,
    api,
    jwtSecret,
    auth,
    metricsPort: metricsServer ? (metricsServer.address() as AddressInfo).port : null,
    closers: [
      () =>
        new Promise((resolve) => (metricsServer ? metricsServer.close(resolve) : resolve(null))),
      () => api.close(),
      () => ledger.stop(),
      () => projector.stop(),
      () => bus.close(),
      () => database.close(),
    ],
  };
}
