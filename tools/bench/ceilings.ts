import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { MessageBus } from '@tally/messaging';

/** Raw kafkajs consume-only rate of the whole topic, in a fresh group: Tally's ceiling on Kafka. */
export async function measureConsumeOnlyRate(
  bus: MessageBus,
  topic: string,
  partitions: number,
): Promise<number> {
  let seen = 0;
  let lastSeenAt = 0;
  const started = performance.now();
  const consumer = bus.createConsumer({
    groupId: `bench-consume-only-${randomUUID()}`,
    topics: [topic],
    partitionsConcurrentlyMax: partitions,
    handleBatch: async (batch) => {
      for (const message of batch.messages) JSON.parse(message.value?.toString('utf8') ?? 'null');
      seen += batch.messages.length;
      lastSeenAt = performance.now();
    },
  });
  await consumer.start();
  // The topic is complete (publishing has ended): done once a quiet second passes after data.
  while (lastSeenAt === 0 || performance.now() - lastSeenAt < 1_000)
    await new Promise((resolve) => setTimeout(resolve, 50));
  await consumer.stop();
  return seen / ((lastSeenAt - started) / 1_000);
}

const insertBatchSize = 1_000;

/**
 * The raw multi-row INSERT rate of rows shaped like the ledger's (uuid, stream, type, JSON data
 * of a CreditDebited), one statement per 1,000 rows into a bare table: the store's ceiling.
 */
export async function measureRawInsertRate(client: Client, rows: number): Promise<number> {
  await client.query(`create table if not exists bench_raw_insert (
    id bigserial primary key, event_id uuid not null, stream_name text not null, event_type text not null, data jsonb not null)`);
  const data = JSON.stringify({
    workspaceId: randomUUID(),
    sourceEventId: randomUUID(),
    source: 'workflow',
    actionKind: 'record.create',
    model: null,
    amountMicro: '100',
    rule: 'workflow-step',
    priceBookVersion: '2026-01-default',
    fallback: false,
    split: {
      rolloverMicro: '0',
      allocationMicro: '100',
      grantedMicro: '0',
      purchasedMicro: '0',
      overdraftMicro: '0',
    },
    grants: [],
    periodStart: '2026-11-01T00:00:00.000Z',
    occurredAt: new Date().toISOString(),
    processedAt: new Date().toISOString(),
  });
  const started = performance.now();
  for (let from = 0; from < rows; from += insertBatchSize) {
    const count = Math.min(insertBatchSize, rows - from);
    const ids = Array.from({ length: count }, () => randomUUID());
    const streams = Array.from(
      { length: count },
      (_, index) => `credits-bench-${(from + index) % 10_000}`,
    );
    await client.query(
      `insert into bench_raw_insert (event_id, stream_name, event_type, data)
       select id, stream, 'CreditDebited', $3::jsonb from unnest($1::uuid[], $2::text[]) as t(id, stream)`,
      [ids, streams, data],
    );
  }
  const seconds = (performance.now() - started) / 1_000;
  await client.query('drop table bench_raw_insert');
  return rows / seconds;
}
