// The projector's batch path with and without a bad event: BENCH_EVENTS (default 100000) events
// over BENCH_WORKSPACES (default 2000) workspaces, seeded straight into the store, applied in
// batches of 5,000 by `Projector.applyBatch` (no subscription, so only the batch path is timed).
// `--poison`: one debit in batches 5 and 12 gets an amount no bigint column holds (in memory,
// as read), so those batches take the isolating path and hold one workspace back each.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createPostgresEventStore, Position, RecordedEvent } from '@tally/event-store';
import { migrateProjections, PROJECTOR_BATCH_SIZE_MAX, Projector } from '@tally/projections';
import { seedCreditEvents } from './bench-seed';

const eventsTotal = Number(process.env.BENCH_EVENTS ?? 100_000);
const workspacesTotal = Number(process.env.BENCH_WORKSPACES ?? 2_000);
const poisonedBatches = process.argv.includes('--poison') ? [5, 12] : [];
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function poison(batch: RecordedEvent[] | undefined): void {
  const debit = batch?.find((event) => event.type === 'CreditDebited');
  if (debit) debit.data = { ...(debit.data as object), amountMicro: '99999999999999999999' };
}

async function main(): Promise<void> {
  const name = `tally_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await admin(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const store = await createPostgresEventStore({
    connectionString: url.toString(),
    poolSizeMax: 8,
  });
  try {
    await seedCreditEvents(store, { eventsTotal, workspacesTotal });
    // The whole fresh database: the store's tables are all it holds yet.
    await store.sql.query('VACUUM ANALYZE');
    const batches: RecordedEvent[][] = [];
    for (let from: Position | undefined; ;) {
      const batch = await store.readAll({
        ...(from ? { fromPosition: from } : {}),
        maxCount: PROJECTOR_BATCH_SIZE_MAX,
      });
      const last = batch[batch.length - 1];
      if (!last) break;
      batches.push(batch);
      from = last.position;
    }
    for (const index of poisonedBatches) poison(batches[index]);
    await migrateProjections(store.sql);
    const projector = new Projector(store, store.sql);
    const milliseconds: number[] = [];
    const started = performance.now();
    for (const batch of batches) {
      const batchStarted = performance.now();
      await projector.applyBatch(batch);
      milliseconds.push(performance.now() - batchStarted);
    }
    const seconds = (performance.now() - started) / 1_000;
    const median =
      [...milliseconds].sort((a, b) => a - b)[Math.floor(milliseconds.length / 2)] ?? 0;
    const poisoned = poisonedBatches.map((index) => `${(milliseconds[index] ?? 0).toFixed(1)} ms`);
    console.log(
      `${batches.length} batches: ${Math.round(eventsTotal / seconds)} events/s, batch median ${median.toFixed(1)} ms` +
        (poisoned.length > 0 ? `, batches with a bad event ${poisoned.join(' / ')}` : ''),
    );
  } finally {
    await store.close();
    await admin(`drop database if exists ${name} with (force)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
