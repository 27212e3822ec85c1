import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  createPgliteEventStore,
  createPostgresEventStore,
  EventStore,
  SqlClient,
} from '@tally/event-store';
import { createLogger } from '@tally/observability';
import { lockDataDir } from './data-dir-lock';

/** The event store plus a SQL client on the same database (projections, checkpoints). */
export interface Database {
  store: EventStore;
  sql: SqlClient;
  mode: 'postgres' | 'embedded';
  close(): Promise<void>;
}

/**
 * `DATABASE_URL` set → that PostgreSQL server; unset → embedded PostgreSQL (PGlite) kept in
 * `<dataDir>/pgdata`, so the zero-setup mode survives restarts.
 */
export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir: string;
  /** Shown as `application_name` in pg_stat_activity, unless the URL sets one. */
  applicationName?: string;
}): Promise<Database> {
  if (options.databaseUrl) {
    const logger = createLogger('database');
    const store = await createPostgresEventStore({
      connectionString: withApplicationName(options.databaseUrl, options.applicationName),
      onConnectionError: (error) =>
        logger.warn(
          { error: error.message },
          'an idle PostgreSQL connection failed; the pool replaces it',
        ),
    });
    return { store, sql: store.sql, mode: 'postgres', close: () => store.close() };
  }
  mkdirSync(options.dataDir, { recursive: true });
  const unlock = lockDataDir(options.dataDir);
  try {
    const store = await createPgliteEventStore({ dataDir: join(options.dataDir, 'pgdata') });
    return { store, sql: store.sql, mode: 'embedded', close: () => store.close().finally(unlock) };
  } catch (error) {
    unlock();
    throw error;
  }
}

function withApplicationName(databaseUrl: string, applicationName: string | undefined): string {
  if (!applicationName) return databaseUrl;
  const url = new URL(databaseUrl);
  if (!url.searchParams.has('application_name'))
    url.searchParams.set('application_name', applicationName);
  return url.toString();
}
