// `projections rebuild all` on a fresh database: rate, identical result, API served meanwhile.
// BENCH_EVENTS (default 300000) events over BENCH_WORKSPACES (default 10000) Zipf-skewed
// workspaces, seeded straight into the store (see bench-seed.ts).
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { createPostgresEventStore, SqlClient } from '@tally/event-store';
import { createInProcessBus } from '@tally/messaging';
import { ALL_PROJECTIONS, LIVE_SCHEMA, Projector, rebuildProjections } from '@tally/projections';
import { createBillingApi } from '../../billing-api/src';
import { startApiLoad } from './api-load';
import { seedCreditEvents } from './bench-seed';

const eventsTotal = Number(process.env.BENCH_EVENTS ?? 300_000);
const workspacesTotal = Number(process.env.BENCH_WORKSPACES ?? 10_000);
const apiClients = Number(process.env.BENCH_API_CLIENTS ?? 4);
const apiRequestsPerSecond = Number(process.env.BENCH_API_RATE ?? 200);
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const jwtSecret = 'bench-secret-0123456789';
const snapshotSchema = 'bench_live_before';

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function rate(events: number, seconds: number): string {
  return `${events} events in ${seconds.toFixed(2)} s = ${Math.round(events / seconds)} events/s`;
}

async function snapshotLiveTables(sql: SqlClient): Promise<void> {
  await sql.query(`DROP SCHEMA IF EXISTS ${snapshotSchema} CASCADE`);
  await sql.query(`CREATE SCHEMA ${snapshotSchema}`);
  for (const table of ALL_PROJECTIONS.flatMap((projection) => projection.tables)) {
    await sql.query(
      `CREATE TABLE ${snapshotSchema}.${table} AS SELECT * FROM ${LIVE_SCHEMA}.${table}`,
    );
  }
}

/** Rows that differ between the live tables before the rebuild and after it, per table. */
async function differencesFromSnapshot(sql: SqlClient): Promise<Record<string, number>> {
  const differences: Record<string, number> = {};
  for (const table of ALL_PROJECTIONS.flatMap((projection) => projection.tables)) {
    const [row] = await sql.query<{ differing: string; total: string }>(
      `SELECT (SELECT count(*) FROM ((SELECT * FROM ${snapshotSchema}.${table} EXCEPT ALL SELECT * FROM ${LIVE_SCHEMA}.${table})
               UNION ALL (SELECT * FROM ${LIVE_SCHEMA}.${table} EXCEPT ALL SELECT * FROM ${snapshotSchema}.${table})) d)::text AS differing,
              (SELECT count(*) FROM ${LIVE_SCHEMA}.${table})::text AS total`,
    );
    differences[`${table} (${row?.total ?? '?'} rows)`] = Number(row?.differing);
  }
  return differences;
}

async function main(): Promise<void> {
  const name = `tally_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await admin(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const store = await createPostgresEventStore({
    connectionString: url.toString(),
    poolSizeMax: 16,
  });
  try {
    const seedStarted = performance.now();
    const seeded = await seedCreditEvents(store, { eventsTotal, workspacesTotal });
    console.log(
      `seeded (decide in memory + appendMany): ${rate(seeded.events, (performance.now() - seedStarted) / 1_000)}`,
    );
    // The whole fresh database: the store's tables are all it holds yet.
    await store.sql.query('VACUUM ANALYZE');
    const head = await store.headPosition();

    const projector = new Projector(store, store.sql);
    const catchUpStarted = performance.now();
    await projector.start();
    await projector.waitFor(head, 3_600_000);
    console.log(
      `live projector catch-up from zero: ${rate(seeded.events, (performance.now() - catchUpStarted) / 1_000)}`,
    );
    await snapshotLiveTables(store.sql);

    const api = await createBillingApi({
      store,
      sql: store.sql,
      bus: createInProcessBus(),
      jwtSecret,
      rateLimitPerSecond: 1_000_000,
    });
    await api.listen(0, '127.0.0.1');
    const { port } = api.getHttpServer().address() as AddressInfo;
    const load = startApiLoad({
      baseUrl: `http://127.0.0.1:${port}`,
      jwtSecret,
      workspaceIds: seeded.workspaceIds,
      clients: apiClients,
      requestsPerSecond: apiRequestsPerSecond,
    });
    const rebuild = await rebuildProjections(store, store.sql, ALL_PROJECTIONS);
    const served = await load.stop();
    console.log(
      `projections rebuild all (projector running): ${rate(rebuild.events, rebuild.seconds)}`,
    );
    console.log(
      `API during the rebuild (${apiClients} clients, paced to ${apiRequestsPerSecond}/s): ${served.served} GET /credits served (${Math.round(served.served / rebuild.seconds)}/s), ${served.failed} failed, latency p99 ${served.latencyMsP99.toFixed(1)} ms, max ${served.latencyMsMax.toFixed(1)} ms`,
    );
    console.log(
      `rows differing from the live projections: ${JSON.stringify(await differencesFromSnapshot(store.sql))}`,
    );
    await api.close();
    await projector.stop();
  } finally {
    await store.close();
    await admin(`drop database if exists ${name} with (force)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
