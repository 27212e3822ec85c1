/**
 * The smallest SQL surface the store (and projections sharing its database) need, with one
 * implementation per driver (`pg` pool, PGlite). Write SQL that PostgreSQL 15 and PGlite
 * (PostgreSQL 18) both accept; cast int8 results to text, since the drivers map them differently.
 */
export interface SqlClient {
  /** Runs one statement with `$1..$n` parameters and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. Nested calls join the outer transaction. */
  transaction<T>(work: (sql: SqlClient) => Promise<T>): Promise<T>;
  /** Calls `onNotification` for each NOTIFY on `channel`; the returned function stops listening. */
  listen(channel: string, onNotification: (payload: string) => void): Promise<() => Promise<void>>;
  /** Releases the driver's connections (no-op for a client that does not own them). */
  close(): Promise<void>;
}
