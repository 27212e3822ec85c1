// The one place that creates and drops a throwaway database on the PostgreSQL server, for the
// integration and e2e tests, the benchmarks and the chaos run. It lives in tools/ because
// `npm run build` compiles tools/ (the chaos run and the benchmark run from dist) and not test/.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/** The server used when DATABASE_URL is not set: the local cluster that `npm test` expects. */
export const defaultServerUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

const connectionTimeoutMs = 5_000;
const namePrefixPattern = /^[a-z][a-z0-9_]*$/;

/** A database of its own on the server; isolation by name, never by truncation. */
export interface TestDatabase {
  name: string;
  connectionString: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

/** DATABASE_URL, or the local server when it is not set. */
export function serverUrlFromEnvironment(): string {
  return process.env.DATABASE_URL ?? defaultServerUrl;
}

/** Creates `<prefix>_<12 random hex digits>` on the server (DATABASE_URL unless given). */
export async function createTestDatabase(
  prefix = 'tally_test',
  serverUrl = serverUrlFromEnvironment(),
): Promise<TestDatabase> {
  if (!namePrefixPattern.test(prefix))
    throw new Error(`assertion failed: database name prefix ${prefix} is not a plain identifier`);
  const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await withServerClient(serverUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    connectionString: url.toString(),
    drop: async () => {
      await withServerClient(serverUrl, (client) =>
        client.query(`drop database if exists ${name} with (force)`),
      );
    },
  };
}

/** Terminates every backend connected to `databaseName` (the apps' pools); returns how many. */
export async function terminateBackends(serverUrl: string, databaseName: string): Promise<number> {
  const result = await withServerClient(serverUrl, (client) =>
    client.query<{ terminated: boolean }>(
      'select pg_terminate_backend(pid) as terminated from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [databaseName],
    ),
  );
  return result.rows.filter((row) => row.terminated).length;
}

async function withServerClient<T>(
  serverUrl: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({
    connectionString: serverUrl,
    connectionTimeoutMillis: connectionTimeoutMs,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
