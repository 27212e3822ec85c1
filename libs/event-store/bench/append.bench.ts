// Event store throughput against the PostgreSQL server: appends per batch size, the raw
// multi-row INSERT rate of the same rows into a bare table, and catch-up read rates.
// Run: npm run bench:store   (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/postgres)
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import {
  type EventStore,
  type RecordedEvent,
  type StreamAppend,
  START,
  createPostgresEventStore,
} from '@tally/event-store';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WRITER_COUNT = 4;
const STREAMS_PER_WRITER = 2000;
const EVENTS_PER_STREAM_IN_BATCH = 5; // 1000 events land on ~200 streams, like the ledger's batches
const SCENARIOS = [
  { batchSize: 1, eventCount: 4_000 },
  { batchSize: 100, eventCount: 60_000 },
  { batchSize: 1000, eventCount: 200_000 },
] as const;
const READ_PAGE_SIZE = 10_000;

function debit(workspace: string): StreamAppend['events'][number] {
  return {
    id: randomUUID(),
    type: 'CreditDebited',
    data: {
      workspaceId: workspace,
      amountMicro: '1200',
      actionKind: 'ai.generate',
      priceBookVersion: 3,
      rule: 'ai.generate:gpt-4o',
      buckets: [{ bucket: 'allocation', amountMicro: '1200' }],
      occurredAt: new Date().toISOString(),
    },
    metadata: { causationId: randomUUID() },
  };
}

function batch(writer: number, batchSize: number): StreamAppend[] {
  const streamCount = Math.max(1, Math.ceil(batchSize / EVENTS_PER_STREAM_IN_BATCH));
  const first = Math.floor(Math.random() * STREAMS_PER_WRITER);
  return Array.from({ length: streamCount }, (_, index) => {
    const streamName = `workspace-${writer}-${(first + index) % STREAMS_PER_WRITER}`;
    const count = Math.min(
      EVENTS_PER_STREAM_IN_BATCH,
      batchSize - index * EVENTS_PER_STREAM_IN_BATCH,
    );
    return {
      streamName,
      expectedRevision: 'any' as const,
      events: Array.from({ length: count }, () => debit(streamName)),
    };
  });
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function appendRate(
  store: EventStore,
  batchSize: number,
  eventCount: number,
): Promise<number> {
  const batchesPerWriter = Math.ceil(eventCount / batchSize / WRITER_COUNT);
  const seconds = await timed(async () => {
    await Promise.all(
      Array.from({ length: WRITER_COUNT }, async (_, writer) => {
        for (let index = 0; index < batchesPerWriter; index += 1)
          await store.appendMany(batch(writer, batchSize));
      }),
    );
  });
  return (batchesPerWriter * WRITER_COUNT * batchSize) / seconds;
}

async function rawInsertRate(pool: Pool, batchSize: number, eventCount: number): Promise<number> {
  await pool.query(
    'CREATE TABLE bench_raw_events (event_id uuid PRIMARY KEY, stream_name text NOT NULL, event_type text NOT NULL, data jsonb NOT NULL, metadata jsonb)',
  );
  const batchesPerWriter = Math.ceil(eventCount / batchSize / WRITER_COUNT);
  const seconds = await timed(async () => {
    await Promise.all(
      Array.from({ length: WRITER_COUNT }, async (_, writer) => {
        for (let index = 0; index < batchesPerWriter; index += 1) {
          const rows = batch(writer, batchSize).flatMap((append) =>
            append.events.map((event) => ({ streamName: append.streamName, event })),
          );
          await pool.query(
            'INSERT INTO bench_raw_events (event_id, stream_name, event_type, data, metadata) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[])',
            [
              rows.map((row) => row.event.id),
              rows.map((row) => row.streamName),
              rows.map((row) => row.event.type),
              rows.map((row) => JSON.stringify(row.event.data)),
              rows.map((row) => JSON.stringify(row.event.metadata)),
            ],
          );
        }
      }),
    );
  });
  return (batchesPerWriter * WRITER_COUNT * batchSize) / seconds;
}

async function readAllRate(store: EventStore): Promise<{ count: number; perSecond: number }> {
  let count = 0;
  const seconds = await timed(async () => {
    let from = START;
    for (;;) {
      const page = await store.readAll({ fromPosition: from, maxCount: READ_PAGE_SIZE });
      const last = page[page.length - 1];
      if (!last) break;
      count += page.length;
      from = last.position;
    }
  });
  return { count, perSecond: count / seconds };
}

async function subscriptionRate(store: EventStore, total: number): Promise<number> {
  let received = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const seconds = await timed(async () => {
    const subscription = store.subscribeToAll({
      batchSizeMax: READ_PAGE_SIZE,
      onEvents: async (events: RecordedEvent[]) => {
        received += events.length;
        if (received >= total) resolveDone();
      },
    });
    await done;
    await subscription.stop();
  });
  return received / seconds;
}

async function main(): Promise<void> {
  const name = `tally_bench_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const store = await createPostgresEventStore({
    connectionString: url.toString(),
    poolSizeMax: WRITER_COUNT + 2,
    onConnectionError: () => undefined,
  });
  const pool = new Pool({ connectionString: url.toString(), max: WRITER_COUNT });
  pool.on('error', () => undefined); // DROP DATABASE ... WITH (FORCE) ends idle connections
  try {
    const format = (value: number): string => Math.round(value).toLocaleString('en-US');
    console.log(
      `writers: ${WRITER_COUNT}, ~${EVENTS_PER_STREAM_IN_BATCH} events per stream per batch`,
    );
    let storeRateAt1000 = 0;
    for (const scenario of SCENARIOS) {
      const rate = await appendRate(store, scenario.batchSize, scenario.eventCount);
      if (scenario.batchSize === 1000) storeRateAt1000 = rate;
      console.log(`append batch ${scenario.batchSize}: ${format(rate)} events/s`);
    }
    const rawRate = await rawInsertRate(pool, 1000, 200_000);
    console.log(
      `raw multi-row INSERT batch 1000 (bare table): ${format(rawRate)} rows/s; store/raw = ${(storeRateAt1000 / rawRate).toFixed(2)}`,
    );
    const read = await readAllRate(store);
    console.log(
      `catch-up readAll (pages of ${READ_PAGE_SIZE}): ${format(read.perSecond)} events/s over ${format(read.count)} events`,
    );
    console.log(
      `catch-up subscribeToAll (batches of ${READ_PAGE_SIZE}): ${format(await subscriptionRate(store, read.count))} events/s`,
    );
  } finally {
    await store.close();
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
