import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { SqlClient } from './sql-client.port';

function transactionClient(transaction: Transaction): SqlClient {
  const client: SqlClient = {
    async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
      const result = await transaction.query<Row>(sql, params);
      return result.rows;
    },
    transaction: (work) => work(client),
    listen: () => Promise.reject(new Error('LISTEN inside a transaction is not supported.')),
    close: () => Promise.resolve(),
  };
  return client;
}

/** A SqlClient over an embedded PGlite instance. `ownsInstance`: close() closes PGlite. */
export function createPgliteSqlClient(
  pglite: PGlite,
  options: { ownsInstance?: boolean } = {},
): SqlClient {
  return {
    async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
      const result = await pglite.query<Row>(sql, params);
      return result.rows;
    },
    transaction: <T>(work: (sql: SqlClient) => Promise<T>): Promise<T> =>
      pglite.transaction((transaction) => work(transactionClient(transaction))),
    async listen(channel, onNotification) {
      const unsubscribe = await pglite.listen(channel, onNotification);
      return () => unsubscribe();
    },
    async close() {
      if (options.ownsInstance && !pglite.closed) await pglite.close();
    },
  };
}
