import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import {
  type EventStore,
  type RecordedEvent,
  type SqlClient,
  START,
  EVENT_STORE_MIGRATIONS,
  comparePositions,
  createPgSqlClient,
  createPostgresEventStore,
  createSqlEventStore,
} from '@tally/event-store';
import { createTestDatabase, type TestDatabase } from '../../../tools/support/test-database';

const WRITER_COUNT = 6;
const APPENDS_PER_WRITER = 25;
const SLOW_COMMIT_MS_MAX = 60;
const DELIVERY_TIMEOUT_MS = 20_000;

// Test-only decorator: runs each append inside an explicit transaction and sleeps before COMMIT,
// so transactions that took their id early often commit after later ones.
function slowCommittingSqlClient(inner: SqlClient, pool: Pool): SqlClient {
  return {
    ...inner,
    async query<Row>(sql: string, params?: unknown[]): Promise<Row[]> {
      if (!sql.includes('event_store_append(')) return inner.query<Row>(sql, params);
      const connection = await pool.connect();
      try {
        await connection.query('BEGIN');
        const result = await connection.query(sql, params);
        await connection.query('SELECT pg_sleep($1::float8 / 1000)', [
          Math.random() * SLOW_COMMIT_MS_MAX,
        ]);
        await connection.query('COMMIT');
        return result.rows as Row[];
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    },
  };
}

async function writeConcurrently(store: EventStore, prefix: string): Promise<string[]> {
  const written: string[] = [];
  await Promise.all(
    Array.from({ length: WRITER_COUNT }, async (_, writer) => {
      for (let append = 0; append < APPENDS_PER_WRITER; append += 1) {
        const streams = Array.from(
          { length: 1 + (append % 3) },
          (_, index) => `${prefix}-${writer}-${index}`,
        );
        const appends = streams.map((streamName) => ({
          streamName,
          expectedRevision: 'any' as const,
          events: Array.from({ length: 1 + ((append + writer) % 4) }, () => ({
            id: randomUUID(),
            type: 'Raced',
            data: { writer, append },
          })),
        }));
        await store.appendMany(appends);
        for (const part of appends) written.push(...part.events.map((event) => event.id));
      }
    }),
  );
  return written;
}

describe('PostgreSQL event store under concurrent writers', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  }, 30_000);
  afterAll(async () => {
    await database.drop();
  }, 30_000);

  it('applies its migrations once when several stores start together on an empty database', async () => {
    const stores = await Promise.all(
      Array.from({ length: 3 }, () =>
        createPostgresEventStore({ connectionString: database.connectionString, poolSizeMax: 2 }),
      ),
    );
    const versions = await stores[0]!.sql.query<{ version: number }>(
      'SELECT version FROM event_store_schema_versions ORDER BY version',
    );
    expect(versions.map((row) => Number(row.version))).toEqual(
      EVENT_STORE_MIGRATIONS.migrations.map((migration) => migration.version),
    );
    await Promise.all(stores.map((store) => store.close()));
  }, 30_000);

  it('delivers every committed event exactly once and in order to a live subscriber while slow transactions commit out of order', async () => {
    const pool = new Pool({ connectionString: database.connectionString, max: WRITER_COUNT + 2 });
    pool.on('error', () => undefined); // the database's drop ends idle connections
    const writerStore = await createSqlEventStore(
      slowCommittingSqlClient(createPgSqlClient(pool), pool),
    );
    const readerStore = await createPostgresEventStore({
      connectionString: database.connectionString,
      poolSizeMax: 2,
    });
    const prefix = `race-${randomUUID()}`;
    const received: RecordedEvent[] = [];
    const subscription = readerStore.subscribeToAll({
      fromPosition: START,
      filter: { streamPrefixes: [prefix] },
      batchSizeMax: 7,
      onEvents: async (batch) => {
        received.push(...batch);
      },
    });
    try {
      const written = await writeConcurrently(writerStore, prefix);
      const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
      while (received.length < written.length && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 300)); // would expose late duplicates

      const receivedIds = received.map((event) => event.id);
      expect(new Set(receivedIds).size).toBe(receivedIds.length);
      expect(new Set(receivedIds)).toEqual(new Set(written));
      for (let index = 1; index < received.length; index += 1) {
        expect(comparePositions(received[index - 1]!.position, received[index]!.position)).toBe(-1);
      }
    } finally {
      await subscription.stop();
      await readerStore.close();
      await writerStore.close();
      await pool.end();
    }
  }, 60_000);

  it('keeps per-stream revisions gapless when writers race on the same streams with exact expectations', async () => {
    const store = await createPostgresEventStore({
      connectionString: database.connectionString,
      poolSizeMax: WRITER_COUNT,
    });
    const name = `contended-${randomUUID()}`;
    const APPENDS_EACH = 10;
    try {
      await Promise.all(
        Array.from({ length: WRITER_COUNT }, async () => {
          for (let done = 0; done < APPENDS_EACH;) {
            const revision = (await store.streamRevisions([name])).get(name);
            try {
              await store.appendToStream(
                name,
                [{ id: randomUUID(), type: 'Contended', data: {} }],
                { expectedRevision: revision ?? 'no_stream' },
              );
              done += 1;
            } catch (error) {
              if ((error as { code?: string }).code !== 'WRONG_EXPECTED_REVISION') throw error;
            }
          }
        }),
      );
      const revisions = (await store.readStream(name)).map((event) => event.revision);
      expect(revisions).toEqual(
        Array.from({ length: WRITER_COUNT * APPENDS_EACH }, (_, index) => BigInt(index)),
      );
    } finally {
      await store.close();
    }
  }, 60_000);

  // The reader's one statement starts before the writer commits: its revisions must still come
  // from after the lock wait, not from the statement's first snapshot.
  it('makes a shared stream lock wait for the exclusive writer, then see its events', async () => {
    const store = await createPostgresEventStore({
      connectionString: database.connectionString,
      poolSizeMax: 4,
    });
    const name = `guarded-${randomUUID()}`;
    let releaseWriter!: () => void;
    const writerMayCommit = new Promise<void>((resolve) => (releaseWriter = resolve));
    let writerLocked!: () => void;
    const writerHoldsLock = new Promise<void>((resolve) => (writerLocked = resolve));
    try {
      const writer = store.transaction(async (inside) => {
        await inside.lockStreams([name], 'exclusive');
        await inside.appendToStream(name, [{ id: randomUUID(), type: 'Published', data: {} }]);
        writerLocked();
        await writerMayCommit;
      });
      await writerHoldsLock;
      const order: string[] = [];
      const reader = store.transaction(async (inside) => {
        const revisions = await inside.lockStreams([name], 'shared');
        order.push('reader locked');
        return revisions.get(name);
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      order.push('writer commits');
      releaseWriter();
      await writer;
      expect(await reader).toBe(0n);
      expect(order).toEqual(['writer commits', 'reader locked']);
      // Shared holders do not wait for each other.
      await store.transaction(async (first) => {
        await first.lockStreams([name], 'shared');
        await store.transaction((second) => second.lockStreams([name], 'shared'));
      });
    } finally {
      releaseWriter();
      await store.close();
    }
  }, 30_000);
});
