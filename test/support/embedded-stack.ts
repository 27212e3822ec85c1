import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Topics } from '@tally/contracts';
import { createInProcessBus, MessageBus } from '@tally/messaging';
import { Database, openDatabase } from '@tally/runtime';
import { createBillingApi, signToken } from '../../apps/billing-api/src';
import { RunningLedger, startLedger } from '../../apps/ledger/src';
import { RunningProjector, startProjector } from '../../apps/projector/src';
import { createTestDatabase, TestDatabase } from '../../tools/support/test-database';

export interface HttpAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field
  body: any;
  headers: Headers;
}

/** What `npm start` runs — ledger, projector, billing API on one in-process bus — over a fresh real database. */
export interface EmbeddedStack {
  baseUrl: string;
  database: Database;
  bus: MessageBus;
  token(workspaceId: string, scope: string): Promise<string>;
  /** A request with a bearer token; a string body is sent as is, anything else as JSON. */
  call(
    method: string,
    path: string,
    token: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<HttpAnswer>;
  stop(): Promise<void>;
}

export async function startEmbeddedStack(prefix: string): Promise<EmbeddedStack> {
  const testDatabase: TestDatabase = await createTestDatabase(prefix);
  const database = await openDatabase({
    databaseUrl: testDatabase.connectionString,
    dataDir: '.tally-unused',
  });
  const bus = createInProcessBus();
  const jwtSecret = `secret-${randomUUID()}`;
  const ledger: RunningLedger = await startLedger({
    store: database.store,
    sql: database.sql,
    bus,
    topics: Topics,
  });
  const projector: RunningProjector = await startProjector({
    store: database.store,
    sql: database.sql,
  });
  const api: NestExpressApplication = await createBillingApi({
    store: database.store,
    sql: database.sql,
    bus,
    jwtSecret,
    ledger: ledger.ledger,
    topics: Topics,
  });
  await api.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(api.getHttpServer().address() as { port: number }).port}`;
  return {
    baseUrl,
    database,
    bus,
    token: (workspaceId, scope) => signToken({ workspaceId, scope }, jwtSecret, 600),
    call: async (method, path, token, body, headers = {}) => {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined
          ? {}
          : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text,
        headers: response.headers,
      };
    },
    stop: async () => {
      await api.close();
      await ledger.stop();
      await projector.stop();
      await bus.close();
      await database.close();
      await testDatabase.drop();
    },
  };
}
