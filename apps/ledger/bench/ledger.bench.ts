// Sustained actions/s through the ledger (Kafka → decide → one atomic append per chunk →
// PostgreSQL), against the raw kafkajs consume-only rate of the same topic as the ceiling.
// Run: npm run bench:ledger   (BENCH_ACTIONS, BENCH_WORKSPACES override the sizes;
// BENCH_COMPRESSION=none|gzip|snappy|lz4|zstd is the codec the load is published with)
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { Topics } from '@tally/contracts';
import { createKafkaBus, MessageBus, parseKafkaCompression } from '@tally/messaging';
import { openDatabase } from '@tally/runtime';
import { startLedger } from '../src/ledger.service';

const actionCount = Number(process.env.BENCH_ACTIONS ?? 200_000);
const workspaceCount = Number(process.env.BENCH_WORKSPACES ?? 10_000);
const partitions = 8;
const publishChunk = 10_000;
const compression = parseKafkaCompression(
  process.env.BENCH_COMPRESSION ?? 'none',
  'BENCH_COMPRESSION',
);

function action(workspaceId: string, index: number): string {
  const kinds = ['record.create', 'record.update', 'http.request', 'code.run', 'email.send'];
  const ai = index % 5 === 0;
  return JSON.stringify({
    eventId: randomUUID(),
    type: 'ActionExecuted',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    workspaceId,
    source: ai ? 'ai-agent' : 'workflow',
    action: ai
      ? {
          kind: 'ai.generate',
          ai: { model: 'gpt-4o-mini', inputTokens: 900, outputTokens: 200, cachedInputTokens: 100 },
        }
      : { kind: kinds[index % kinds.length], durationMs: 120, recipients: 1 },
  });
}

async function publishLoad(bus: MessageBus, workspaces: string[]): Promise<void> {
  await bus.publish(
    Topics.subscription,
    workspaces.map((workspaceId) => ({
      key: workspaceId,
      value: JSON.stringify({
        eventId: randomUUID(),
        type: 'SubscriptionPeriodStarted',
        schemaVersion: 1,
        occurredAt: new Date().toISOString(),
        workspaceId,
        cycle: 'monthly',
        periodStart: '2026-11-01T00:00:00.000Z',
        periodEnd: '2026-12-01T00:00:00.000Z',
        allocationMicro: '1000000000000',
      }),
    })),
  );
  for (let from = 0; from < actionCount; from += publishChunk) {
    const messages = [];
    for (let index = from; index < Math.min(actionCount, from + publishChunk); index += 1) {
      const workspaceId = workspaces[index % workspaces.length] as string;
      messages.push({ key: workspaceId, value: action(workspaceId, index) });
    }
    await bus.publish(Topics.actionExecuted, messages);
  }
}

async function consumeOnlyRate(bus: MessageBus): Promise<number> {
  let seen = 0;
  const started = performance.now();
  let finished = 0;
  const consumer = bus.createConsumer({
    groupId: `bench-consume-only-${randomUUID()}`,
    topics: [Topics.actionExecuted],
    partitionsConcurrentlyMax: partitions,
    handleBatch: async (batch) => {
      for (const message of batch.messages) JSON.parse(message.value?.toString('utf8') ?? 'null');
      seen += batch.messages.length;
      if (seen >= actionCount && finished === 0) finished = performance.now();
    },
  });
  await consumer.start();
  while (finished === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  await consumer.stop();
  return actionCount / ((finished - started) / 1_000);
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const databaseName = `tally_bench_${randomUUID().slice(0, 8)}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${databaseName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${databaseName}`;
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: '.tally-bench' });
  const bus = createKafkaBus({
    brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
    clientId: 'bench',
    compression,
  });
  await bus.ensureTopics(
    [Topics.actionExecuted, Topics.subscription, Topics.balanceAlerts].map((name) => ({
      name,
      partitions,
    })),
  );
  const workspaces = Array.from({ length: workspaceCount }, () => randomUUID());
  console.log(
    `publishing ${workspaceCount} period starts and ${actionCount} actions, compression ${compression}`,
  );
  await publishLoad(bus, workspaces);

  const ceiling = await consumeOnlyRate(bus);
  console.log(`raw kafkajs consume-only: ${Math.round(ceiling)} msg/s`);

  const started = performance.now();
  const running = await startLedger({
    store: database.store,
    sql: database.sql,
    bus,
    groupId: `bench-ledger-${randomUUID()}`,
    publishAlerts: false,
    ...(process.env.BENCH_GROUP_MEMBERS
      ? { groupMembersMax: Number(process.env.BENCH_GROUP_MEMBERS) }
      : {}),
    ...(process.env.BENCH_PARTITIONS_CONCURRENTLY
      ? { partitionsConcurrentlyMax: Number(process.env.BENCH_PARTITIONS_CONCURRENTLY) }
      : {}),
  });
  // Sustained: from the first tenth debited (workspaces loaded, caches warm) to the last.
  let warmAt = 0;
  for (;;) {
    const debited = (await running.metrics.debited.get()).values[0]?.value ?? 0;
    if (warmAt === 0 && debited >= actionCount / 10) warmAt = performance.now();
    if (debited >= actionCount) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - started) / 1_000;
  const rate = actionCount / seconds;
  const sustained = (actionCount * 0.9) / ((performance.now() - warmAt) / 1_000);
  console.log(
    `ledger: ${actionCount} actions debited in ${seconds.toFixed(1)} s = ${Math.round(rate)} actions/s from a cold start`,
  );
  console.log(`ledger sustained (last 90%): ${Math.round(sustained)} actions/s`);
  console.log(
    `ratio to consume-only ceiling: ${(rate / ceiling).toFixed(2)} (sustained ${(sustained / ceiling).toFixed(2)})`,
  );
  await running.stop();
  await bus.close();
  await database.close();
  await admin.query(`drop database ${databaseName} with (force)`);
  await admin.end();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
