import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import {
  createPgliteEventStore,
  createPgliteSqlClient,
  createPgSqlClient,
  createPostgresEventStore,
  EventStore,
  SqlClient,
} from '@tally/event-store';

/** The event store plus a SQL client on the same database (projections, checkpoints). */
export interface Database {
  store: EventStore;
  sql: SqlClient;
  mode: 'postgres' | 'embedded';
  close(): Promise<void>;
}

const sqlPoolSizeMax = 10;

/**
 * `DATABASE_URL` set → that PostgreSQL server; unset → embedded PostgreSQL (PGlite) kept in
 * `<dataDir>/pgdata`, so the zero-setup mode survives restarts.
 */
export async function openDatabase(options: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  if (options.databaseUrl) {
    const store = await createPostgresEventStore({ connectionString: options.databaseUrl });
    const pool = new Pool({ connectionString: options.databaseUrl, max: sqlPoolSizeMax });
    const sql = createPgSqlClient(pool, { ownsPool: true });
    return {
      store,
      sql,
      mode: 'postgres',
      close: async () => {
        await store.close();
        await sql.close();
      },
    };
  }
  mkdirSync(options.dataDir, { recursive: true });
  const store = await createPgliteEventStore({ dataDir: join(options.dataDir, 'pgdata') });
  const sql = createPgliteSqlClient(store.pglite);
  return { store, sql, mode: 'embedded', close: () => store.close() };
}
