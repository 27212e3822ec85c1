import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { comparePositions, Position } from '@tally/event-store';
import { ProjectionQueries } from '@tally/projections';
import { Database } from '@tally/runtime';

const connectionTimeoutMs = 5_000;

/** The run's own database on the server; dropped at the end unless kept. */
export interface ChaosDatabase {
  name: string;
  connectionString: string;
  drop(): Promise<void>;
}

export async function createChaosDatabase(serverUrl: string): Promise<ChaosDatabase> {
  const name = `tally_chaos_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
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

/** Terminates every backend connected to the run's database (the ledger's and projector's pools). */
export async function terminateBackends(serverUrl: string, databaseName: string): Promise<number> {
  let terminated = 0;
  await withServerClient(serverUrl, async (client) => {
    const result = await client.query<{ terminated: boolean }>(
      'select pg_terminate_backend(pid) as terminated from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [databaseName],
    );
    terminated = result.rows.filter((row) => row.terminated).length;
  });
  return terminated;
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

/** How many stored events of `eventType` there are (progress probe; the audit reads the events themselves). */
export async function countEvents(database: Database, eventType: string): Promise<number> {
  const rows = await database.sql.query<{ count: string }>(
    'SELECT count(*)::text AS count FROM event_store_events WHERE event_type = $1',
    [eventType],
  );
  return Number(rows[0]?.count ?? 0);
}

/** True when every projection's checkpoint has reached the store's head. */
export async function projectionsAtHead(
  database: Database,
): Promise<{ reached: boolean; head: Position; lowest: Position | null }> {
  const head = await database.store.lastCommittedPosition();
  const checkpoints = await new ProjectionQueries(database.sql).checkpoints();
  let lowest: Position | null = null;
  for (const row of checkpoints) {
    if (row.position === null) return { reached: false, head, lowest: null };
    if (lowest === null || comparePositions(row.position, lowest) < 0) lowest = row.position;
  }
  return { reached: lowest !== null && comparePositions(lowest, head) >= 0, head, lowest };
}
