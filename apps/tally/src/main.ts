import 'reflect-metadata';
import { authOptionsFromEnvironment, createBillingApi, signToken } from '../../billing-api/src';
import { startLedger } from '../../ledger/src';
import { startProjector } from '../../projector/src';
import { messageBusFromEnvironment } from '@tally/messaging';
import { createLogger } from '@tally/observability';
import {
  exitOnStartFailure,
  openDatabase,
  runtimeConfigFromEnvironment,
  stopOnSignals,
  topicNamesFromEnvironment,
} from '@tally/runtime';
import { startDemoTraffic } from './demo/demo-traffic';
import { jwtSecretFor } from './jwt-secret';

const operatorScopes = 'credits:read credits:purchase credits:admin credits:reserve events:write';
// Addresses a browser on this machine reaches as `localhost`; any other is printed as it is.
const loopbackOrAny = new Set(['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::']);

function urlHost(host: string): string {
  if (loopbackOrAny.has(host)) return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** Where this process itself reaches the bound socket (the demo traffic calls the API). */
function selfUrl(bound: { address: string; port: number }): string {
  const address =
    bound.address === '0.0.0.0' ? '127.0.0.1' : bound.address === '::' ? '::1' : bound.address;
  return `http://${address.includes(':') ? `[${address}]` : address}:${bound.port}`;
}

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
  const auth = authOptionsFromEnvironment();
  const ledger = await startLedger({
    store: database.store,
    sql: database.sql,
    bus,
    topics,
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
  const bound = api.getHttpServer().address() as { address: string; port: number };
  const port = bound.port;
  const baseUrl = `http://${urlHost(config.host)}:${port}`;
  // The printed operator token lives as long as the API accepts (TALLY_JWT_LIFETIME_MAX_SECONDS);
  // a restart prints a fresh one.
  const token = await signToken(
    { workspaceId: '*', scope: operatorScopes },
    jwtSecret,
    auth.tokenLifetimeMaxSeconds,
  );
  const traffic = demo ? await startDemoTraffic({ baseUrl: selfUrl(bound), token, logger }) : null;
  const workspaceHint = traffic ? `&workspace=${traffic.workspaces[0]}` : '';
  process.stdout.write(
    [
      '',
      `Tally is running (${database.mode === 'embedded' ? `embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL at DATABASE_URL'}, ` +
        `${config.kafkaBrokers ? 'Kafka at KAFKA_BROKERS' : 'in-process bus'}).`,
      `  Listening on ${bound.address}:${port} (HOST=0.0.0.0 to accept other machines).`,
      `  Billing page: ${baseUrl}/billing?token=${token}${workspaceHint}`,
      `  API docs:     ${baseUrl}/docs`,
      `  Token (workspace *, ${operatorScopes}):`,
      `  ${token}`,
      demo
        ? '  Demo traffic is flowing into a few workspaces.'
        : '  Add --demo (npm run demo) to stream sample traffic.',
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
