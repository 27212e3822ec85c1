import { Pool } from 'pg';
import type { EventStore } from './event-store.port';
import { POSTGRES_POOL_SIZE_DEFAULT } from './event-store.limits';
import { createPgSqlClient } from './pg-sql-client';
import type { SqlClient } from './sql-client.port';
import { createSqlEventStore } from './sql-event-store';

export interface PostgresEventStoreOptions {
  connectionString: string;
  poolSizeMax?: number;
  /** Milliseconds to wait for a connection before failing. */
  connectionTimeoutMs?: number;
  applicationName?: string;
  /** Errors of idle pooled connections (e.g. a server restart); the pool replaces the connection. */
  onConnectionError?: (error: Error) => void;
}

const CONNECTION_TIMEOUT_MS_DEFAULT = 10_000;
const IDLE_TIMEOUT_MS = 30_000;

/** The store on a PostgreSQL server; owns its pool (closed by close()). `sql` shares the pool. */
export async function createPostgresEventStore(
  options: PostgresEventStoreOptions,
): Promise<EventStore & { sql: SqlClient }> {
  const pool = new Pool({
    connectionString: options.connectionString,
    max: options.poolSizeMax ?? POSTGRES_POOL_SIZE_DEFAULT,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? CONNECTION_TIMEOUT_MS_DEFAULT,
    idleTimeoutMillis: IDLE_TIMEOUT_MS,
    application_name: options.applicationName ?? 'tally-event-store',
  });
  // Without a listener an idle connection's error would crash the process.
  pool.on('error', (error) => options.onConnectionError?.(error));
  const sql = createPgSqlClient(pool, { ownsPool: true });
  try {
    const store = await createSqlEventStore(sql);
    return Object.assign(store, { sql });
  } catch (error) {
    await pool.end();
    throw error;
  }
}
