import type { PGlite } from '@electric-sql/pglite';
import type { EventStore } from './event-store.port';
import { loadPglite } from './pglite-loader';
import { createPgliteSqlClient } from './pglite-sql-client';
import type { SqlClient } from './sql-client.port';
import { createSqlEventStore } from './sql-event-store';

/** The embedded twin: the same SQL on PGlite. `dataDir` undefined = in memory. close() closes PGlite. */
export async function createPgliteEventStore(
  options: { dataDir?: string } = {},
): Promise<EventStore & { pglite: PGlite; sql: SqlClient }> {
  const { PGlite } = loadPglite();
  const pglite =
    options.dataDir === undefined
      ? await PGlite.create()
      : await PGlite.create({ dataDir: options.dataDir });
  const sql = createPgliteSqlClient(pglite, { ownsInstance: true });
  try {
    const store = await createSqlEventStore(sql);
    return Object.assign(store, { pglite, sql });
  } catch (error) {
    await pglite.close();
    throw error;
  }
}
