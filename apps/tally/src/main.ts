import 'reflect-metadata';
import { signToken } from '../../billing-api/src';
import { createLogger } from '@tally/observability';
import { exitOnStartFailure, stopOnSignals } from '@tally/runtime';
import { startDemoTraffic } from './demo/demo-traffic';
import { startTally } from './tally';

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

/** `npm start`: the whole of Tally in one process (see startTally), its URL and a token printed. */
async function main(): Promise<void> {
  const logger = createLogger('tally');
  const demo = process.argv.includes('--demo') || process.env.TALLY_DEMO === '1';
  const tally = await startTally(logger);
  const { config, database, api, jwtSecret, auth } = tally;
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
  stopOnSignals(logger, 'stopping', [() => traffic?.stop(), ...tally.closers]);
}

exitOnStartFailure(main());
