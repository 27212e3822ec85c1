import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { SqlClient } from './sql-client.port';

function transactionClient(connection: PoolClient): SqlClient {
  const client: SqlClient = {
    async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
      const result = await connection.query<QueryResultRow>(sql, params);
      return result.rows as Row[];
    },
    transaction: (work) => work(client),
    listen: () => Promise.reject(new Error('LISTEN inside a transaction is not supported.')),
    close: () => Promise.resolve(),
  };
  return client;
}

/** A SqlClient over a `pg` pool. `ownsPool`: close() ends the pool. */
export function createPgSqlClient(pool: Pool, options: { ownsPool?: boolean } = {}): SqlClient {
  return {
    async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
      const result = await pool.query<QueryResultRow>(sql, params);
      return result.rows as Row[];
    },
    async transaction<T>(work: (sql: SqlClient) => Promise<T>): Promise<T> {
      const connection = await pool.connect();
      // A checked-out connection that dies between two queries (server restart,
      // pg_terminate_backend) emits 'error'; unheard, that would crash the process. The next
      // query rejects anyway, so the error is remembered and the connection discarded.
      let lost: Error | undefined;
      const onError = (error: Error): void => {
        lost = error;
      };
      connection.on('error', onError);
      try {
        await connection.query('BEGIN');
        const result = await work(transactionClient(connection));
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        lost ??= await connection.query('ROLLBACK').then(
          () => undefined,
          (rollbackError: Error) => rollbackError,
        );
        throw error;
      } finally {
        connection.off('error', onError);
        connection.release(lost);
      }
    },
    async listen(channel, onNotification) {
      // A dedicated connection for the life of the listener: LISTEN is per session.
      const connection = await pool.connect();
      const handler = (message: { channel: string; payload?: string }): void => {
        if (message.channel === channel) onNotification(message.payload ?? '');
      };
      let broken = false;
      // A lost LISTEN connection must not crash the process: subscribers fall back to polling.
      connection.on('error', () => {
        broken = true;
      });
      connection.on('notification', handler);
      await connection.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
      return async () => {
        connection.off('notification', handler);
        if (!broken)
          await connection
            .query(`UNLISTEN "${channel.replace(/"/g, '""')}"`)
            .catch(() => undefined);
        connection.release(broken);
      };
    },
    async close() {
      if (options.ownsPool) await pool.end();
    },
  };
}
