import 'reflect-metadata';
import { createBillingApi, signHs256 } from '../../billing-api/src';
import { startLedger } from '../../ledger/src';
import { startProjector } from '../../projector/src';
import { messageBusFromEnvironment } from '@tally/messaging';
import { createLogger } from '@tally/observability';
import { exitOnStartFailure, openDatabase, runtimeConfigFromEnvironment, stopOnSignals, topicNamesFromEnvironment } from '@tally/runtime';
import { startDemoTraffic } from './demo/demo-traffic';
import { jwtSecretFor } from './jwt-secret';

const operatorScopes = 'credits:read credits:purchase credits:admin events:write';
const operatorTokenLifetimeSeconds = 30 * 24 * 3_600;

/**
 * The whole of Tally in one process: ledger, projector and billing API over the in-process bus
 * and embedded PostgreSQL by default, or over KAFKA_BROKERS / DATABASE_URL when set.
 */
async function main(): Promise<void> {
  const logger = createLogger('tally');
  const config = runtimeConfigFromEnvironment();
  const demo = process.argv.includes('--demo') || process.env.TALLY_DEMO === '1';
  const database = await openDatabase(config);
  const topics = topicNamesFromEnvironment();
  const bus = messageBusFromEnvironment('tally');
  const jwtSecret = jwtSecretFor(config.dataDir);
  const ledger = await startLedger({ store: database.store, sql: database.sql, bus, topics, logger: logger.child({ app: 'ledger' }) });
  const projector = await startProjector({ store: database.store, sql: database.sql, logger: logger.child({ app: 'projector' }) });
  const api = await createBillingApi({
    store: database.store,
    sql: database.sql,
    bus,
    jwtSecret,
    ledger: ledger.ledger,
    topics,
    logger: logger.child({ app: 'billing-api' }),
  });
  await api.listen(config.port);
  const port = (api.getHttpServer().address() as { port: number }).port;
  const token = signHs256(
    { workspaceId: '*', scope: operatorScopes, exp: Math.floor(Date.now() / 1_000) + operatorTokenLifetimeSeconds },
    jwtSecret,
  );
  const traffic = demo ? await startDemoTraffic({ baseUrl: `http://127.0.0.1:${port}`, token, logger }) : null;
  const workspaceHint = traffic ? `&workspace=${traffic.workspaces[0]}` : '';
  process.stdout.write(
    [
      '',
      `Tally is running (${database.mode === 'embedded' ? `embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL at DATABASE_URL'}, ` +
        `${config.kafkaBrokers ? 'Kafka at KAFKA_BROKERS' : 'in-process bus'}).`,
      `  Billing page: http://localhost:${port}/billing?token=${token}${workspaceHint}`,
      `  API docs:     http://localhost:${port}/docs`,
      `  Token (workspace *, ${operatorScopes}):`,
      `  ${token}`,
      demo ? '  Demo traffic is flowing into a few workspaces.' : '  Add --demo (npm run demo) to stream sample traffic.',
      '',
    ].join('\n'),
  );
  stopOnSignals(logger, 'stopping', [
    () => traffic?.stop(),
    () => api.close(),
    () => ledger.stop(),
    () => projector.stop(),
    () => bus.close(),
    () => database.close(),
  ]);
}

exitOnStartFailure(main());
