// Projection rebuild and catch-up rates on a fresh database filled through the ledger.
// BENCH_EVENTS (default 300000) actions over BENCH_WORKSPACES (default 1000) workspaces.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createPostgresEventStore } from '@tally/event-store';
import { KeyedCommand, WorkspaceLedger } from '@tally/ledger';
import { ALL_PROJECTIONS, Projector, rebuildProjections } from '@tally/projections';

const actionsTotal = Number(process.env.BENCH_EVENTS ?? 300_000);
const workspacesTotal = Number(process.env.BENCH_WORKSPACES ?? 1_000);
const commandsPerAppend = 5_000;
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const kinds = ['record.create', 'http.request', 'code.run', 'email.send', 'ai.generate'];

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function command(workspaceId: string, index: number): KeyedCommand {
  const now = new Date().toISOString();
  const commandId = randomUUID();
  const kind = kinds[index % kinds.length] ?? 'record.create';
  const action =
    kind === 'ai.generate' ? { kind, ai: { model: 'gpt-4o-mini', inputTokens: 500, outputTokens: 100, cachedInputTokens: 0 } } : { kind, durationMs: 10, recipients: 1 };
  return {
    command: { type: 'DebitAction', commandId, workspaceId, occurredAt: `2026-01-${String(1 + (index % 28)).padStart(2, '0')}T12:00:00.000Z`, processedAt: now, source: 'workflow', action },
    idempotencyKey: `${workspaceId}/action/${commandId}`,
  };
}

async function main(): Promise<void> {
  const name = `tally_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await admin(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const store = await createPostgresEventStore({ connectionString: url.toString() });
  try {
    const ledger = new WorkspaceLedger(store);
    const workspaceIds = Array.from({ length: workspacesTotal }, () => `bench-${randomUUID()}`);
    const now = new Date().toISOString();
    await ledger.execute(
      workspaceIds.map((workspaceId) => ({
        command: { type: 'OpenPeriod', commandId: `p-${workspaceId}`, workspaceId, occurredAt: now, processedAt: now, cycle: 'monthly', periodStart: '2026-01-01T00:00:00.000Z', periodEnd: '2026-02-01T00:00:00.000Z' },
        idempotencyKey: `${workspaceId}/period/1`,
      })),
    );
    const seedStarted = performance.now();
    for (let from = 0; from < actionsTotal; from += commandsPerAppend) {
      const chunk = Array.from({ length: Math.min(commandsPerAppend, actionsTotal - from) }, (_, offset) =>
        command(workspaceIds[(from + offset) % workspacesTotal] as string, from + offset),
      );
      await ledger.execute(chunk);
    }
    const head = await store.headPosition();
    const storedEvents = Number(head.prepare);
    console.log(`seeded ${storedEvents} events in ${((performance.now() - seedStarted) / 1_000).toFixed(1)} s`);

    const readStarted = performance.now();
    let cursor: Awaited<ReturnType<typeof store.headPosition>> | undefined;
    for (;;) {
      const page = await store.readAll({ ...(cursor ? { fromPosition: cursor } : {}), maxCount: 10_000, filter: { streamPrefixes: ['credits-'] } });
      const last = page[page.length - 1];
      if (!last) break;
      cursor = last.position;
    }
    const readSeconds = (performance.now() - readStarted) / 1_000;
    console.log(`readAll alone: ${storedEvents} events in ${readSeconds.toFixed(2)} s = ${Math.round(storedEvents / readSeconds)} events/s`);

    const projector = new Projector(store, store.sql);
    const catchUpStarted = performance.now();
    await projector.start();
    await projector.waitFor(head, 3_600_000);
    const catchUpSeconds = (performance.now() - catchUpStarted) / 1_000;
    console.log(`live projector catch-up from zero: ${storedEvents} events in ${catchUpSeconds.toFixed(2)} s = ${Math.round(storedEvents / catchUpSeconds)} events/s`);

    const rebuild = await rebuildProjections(store, store.sql, ALL_PROJECTIONS);
    console.log(`projections rebuild all (projector running): ${rebuild.events} events in ${rebuild.seconds.toFixed(2)} s = ${Math.round(rebuild.events / rebuild.seconds)} events/s`);
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
