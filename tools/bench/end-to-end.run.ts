// The end-to-end run on the real stack: Kafka broker and PostgreSQL on this machine, ledger
// and projector as separate processes, a load generator publishing a realistic mix. Measures
// publish → balance-visible throughput and latency, and the two ceilings (raw kafkajs
// consume-only, raw multi-row INSERT of the same rows). `npm run bench` runs it at full size;
// a short version runs in the test suite with the same correctness checks.
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { build as buildHistogram, Histogram } from 'hdr-histogram-js';
import { defaultPriceBook, priceAction } from '@tally/credits';
import { parseInboundMessage } from '@tally/contracts';
import { createKafkaBus, MessageBus } from '@tally/messaging';
import { AppProcess, startAppProcess } from '../support/app-process';
import { mixedAction, periodStart, seededRandom, zipfSampler } from './load-mix';
import { measureConsumeOnlyRate, measureRawInsertRate } from './ceilings';

export interface EndToEndSettings {
  workspaces: number;
  fixedRatePerSecond: number;
  /** Seconds at the fixed rate before the measured ones: JIT, caches, plans and pools warm up. */
  warmupSeconds: number;
  fixedRateSeconds: number;
  fullSpeedActions: number;
  probes: number;
  probeEvery: number;
  pollIntervalMs: number;
}

export const fullSizeSettings: EndToEndSettings = {
  workspaces: 10_000,
  fixedRatePerSecond: 5_000,
  warmupSeconds: 5,
  fixedRateSeconds: 30,
  fullSpeedActions: 200_000,
  probes: 8,
  probeEvery: 50,
  pollIntervalMs: 5,
};

export interface EndToEndReport {
  measuredAt: string;
  settings: EndToEndSettings;
  fixedRate: {
    offeredPerSecond: number;
    achievedPerSecond: number;
    /** Publish → balance visible in the projection (what a user sees), after the warm-up. */
    latencyMs: LatencySummary;
    /** The same during the warm-up seconds, reported apart. */
    warmupLatencyMs: LatencySummary;
    /** Publish → debit appended to the event store (its transaction start): the ledger's share. */
    publishToStoredLatencyMs: LatencySummary;
  };
  fullSpeed: {
    actions: number;
    /** Publish start → every balance visible. */
    actionsPerSecond: number;
    /** Publish start → the last debit appended (the ledger's pace; the projector follows). */
    storedPerSecond: number;
    /** Seconds the publisher took to hand every message to Kafka. */
    publishSeconds: number;
    latencyMs: LatencySummary;
  };
  /**
   * Recovery: the same number of actions published while the ledger is stopped, then drained by
   * a restarted ledger — group join and a cold cache included (every workspace reloads its
   * current period from its stream).
   */
  backlogDrain: { actions: number; actionsPerSecond: number };
  ceilings: { consumeOnlyPerSecond: number; rawInsertRowsPerSecond: number };
  /** Full speed (and the backlog drain) as a share of each ceiling. */
  ratios: { toConsumeOnly: number; toRawInsert: number; drainToConsumeOnly: number; drainToRawInsert: number };
  /** Correctness: the projected total equals the independently priced total, to the µcr. */
  audit: { expectedTotalMicro: string; projectedTotalMicro: string; probesUnseen: number };
}

interface LatencySummary {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

let settings: EndToEndSettings = fullSizeSettings;
const probeAmountMicro = 100n; // record.create
const partitions = 8;

interface Probe {
  workspaceId: string;
  published: number;
  /** Probe actions not yet visible, each with the histogram its latency goes to. */
  pending: { expectedUsedMicro: bigint; publishedAtMs: number; latency: Histogram }[];
  /** Wall-clock publish time of every probe action, to compare with the stored events' times. */
  publishes: { wallMs: number; measured: boolean }[];
}

export async function runEndToEnd(
  runSettings: EndToEndSettings,
  connections: { brokers: string[]; serverUrl: string },
): Promise<EndToEndReport> {
  settings = runSettings;
  const { brokers, serverUrl } = connections;
  const databaseName = `tally_bench_e2e_${Date.now()}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${databaseName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${databaseName}`;
  const databaseUrl = url.toString();
  const bus = createKafkaBus({ brokers, clientId: 'bench-e2e' });
  // Topics of this run alone: a run never reads another run's (or test's) messages.
  const run = databaseName.slice('tally_bench_e2e_'.length);
  const topics = {
    actionExecuted: `bench-${run}.action-executed`,
    subscription: `bench-${run}.subscription`,
    balanceAlerts: `bench-${run}.balance-alerts`,
  };
  await bus.ensureTopics([topics.actionExecuted, topics.subscription, topics.balanceAlerts].map((name) => ({ name, partitions })));
  const env = {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers.join(','),
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    TALLY_TOPIC_ACTION_EXECUTED: topics.actionExecuted,
    TALLY_TOPIC_SUBSCRIPTION: topics.subscription,
    TALLY_TOPIC_BALANCE_ALERTS: topics.balanceAlerts,
  };
  const apps: AppProcess[] = [startAppProcess('ledger', env), startAppProcess('projector', env)];
  const reader = new Client({ connectionString: databaseUrl });
  try {
    await reader.connect();
    const random = seededRandom(20261125);
    const workspaces = Array.from({ length: settings.workspaces }, (_, index) => `bench-${index}`);
    const probes: Probe[] = Array.from({ length: settings.probes }, (_, index) => ({ workspaceId: `probe-${index}`, published: 0, pending: [], publishes: [] }));
    console.log(`opening ${workspaces.length + probes.length} periods`);
    await publishJson(bus, topics.subscription, [...workspaces, ...probes.map((probe) => probe.workspaceId)].map((workspaceId) => periodStart(workspaceId)));
    await waitFor(async () => (await countBalances(reader)) >= workspaces.length + probes.length, 'every period to be projected');

    const pickWorkspace = zipfSampler(workspaces.length, 1.1, random);
    let expectedTotalMicro = await totalUsedMicro(reader);
    const nextAction = (): Record<string, unknown> => {
      const action = mixedAction(workspaces[pickWorkspace()] as string, random);
      expectedTotalMicro += priceOf(action);
      return action;
    };

    console.log(`fixed rate: ${settings.fixedRatePerSecond}/s, ${settings.warmupSeconds} s warm-up then ${settings.fixedRateSeconds} s measured`);
    const fixedLatency = newHistogram();
    const warmupLatency = newHistogram();
    const fixed = await runFixedRate(bus, topics.actionExecuted, reader, probes, nextAction, { warmup: warmupLatency, measured: fixedLatency });
    await waitFor(async () => (await totalUsedMicro(reader)) >= expectedTotalMicro + fixed.probeMicro, 'the fixed-rate phase to be visible');
    const fixedStoredLatency = await publishToStoredLatency(reader, probes);
    expectedTotalMicro += fixed.probeMicro;

    console.log(`full speed: ${settings.fullSpeedActions} actions`);
    const fullLatency = newHistogram();
    const full = await runFullSpeed(bus, topics.actionExecuted, reader, probes, nextAction, fullLatency, () => expectedTotalMicro);
    expectedTotalMicro += full.probeMicro;
    console.log(`backlog drain: ${settings.fullSpeedActions} actions published while the ledger is stopped`);
    await (apps[0] as AppProcess).kill('SIGTERM');
    await publishJson(bus, topics.actionExecuted, Array.from({ length: settings.fullSpeedActions }, nextAction));
    const drainStarted = performance.now();
    apps[0] = startAppProcess('ledger', env);
    await waitFor(async () => (await totalUsedMicro(reader)) >= expectedTotalMicro, 'the backlog to be visible', 50);
    const drainPerSecond = settings.fullSpeedActions / ((performance.now() - drainStarted) / 1_000);
    const consumeOnly = await measureConsumeOnlyRate(bus, topics.actionExecuted, partitions);
    const rawInsert = await measureRawInsertRate(reader, settings.fullSpeedActions);
    const projectedTotal = await totalUsedMicro(reader);
    return {
      measuredAt: new Date().toISOString(),
      settings,
      fixedRate: {
        offeredPerSecond: settings.fixedRatePerSecond,
        achievedPerSecond: fixed.achievedPerSecond,
        latencyMs: summary(fixedLatency),
        warmupLatencyMs: summary(warmupLatency),
        publishToStoredLatencyMs: summary(fixedStoredLatency),
      },
      fullSpeed: {
        actions: full.actions,
        actionsPerSecond: full.actionsPerSecond,
        storedPerSecond: full.storedPerSecond,
        publishSeconds: full.publishSeconds,
        latencyMs: summary(fullLatency),
      },
      backlogDrain: { actions: settings.fullSpeedActions, actionsPerSecond: drainPerSecond },
      ceilings: { consumeOnlyPerSecond: consumeOnly, rawInsertRowsPerSecond: rawInsert },
      ratios: {
        toConsumeOnly: full.actionsPerSecond / consumeOnly,
        toRawInsert: full.actionsPerSecond / rawInsert,
        drainToConsumeOnly: drainPerSecond / consumeOnly,
        drainToRawInsert: drainPerSecond / rawInsert,
      },
      audit: {
        expectedTotalMicro: expectedTotalMicro.toString(),
        projectedTotalMicro: projectedTotal.toString(),
        probesUnseen: probes.reduce((sum, probe) => sum + probe.pending.length, 0),
      },
    };
  } finally {
    await Promise.all(apps.map((app) => app.kill('SIGTERM')));
    await reader.end();
    await bus.close();
    // BENCH_KEEP_DATABASE=1 keeps the run's database for EXPLAIN and inspection.
    if (process.env.BENCH_KEEP_DATABASE === '1') console.log(`kept database ${databaseName}`);
    else await admin.query(`drop database ${databaseName} with (force)`);
    await admin.end();
  }
}

async function runFixedRate(
  bus: MessageBus,
  actionsTopic: string,
  reader: Client,
  probes: Probe[],
  nextAction: () => Record<string, unknown>,
  latency: { warmup: Histogram; measured: Histogram },
): Promise<{ achievedPerSecond: number; probeMicro: bigint }> {
  const tickMs = 20;
  const perTick = Math.max(1, Math.round((settings.fixedRatePerSecond * tickMs) / 1_000));
  const started = performance.now();
  const poller = startProbePoller(reader, probes);
  const totalMs = (settings.warmupSeconds + settings.fixedRateSeconds) * 1_000;
  let sent = 0;
  let probeMicro = 0n;
  for (let tick = 0; performance.now() - started < totalMs; tick += 1) {
    const warmingUp = performance.now() - started < settings.warmupSeconds * 1_000;
    const messages: Record<string, unknown>[] = [];
    const probeIndexes: number[] = [];
    for (let index = 0; index < perTick; index += 1) {
      if ((sent + index) % settings.probeEvery === 0) {
        const probeIndex = (sent + index) / settings.probeEvery % probes.length;
        const probe = probes[probeIndex] as Probe;
        messages.push({ ...mixedAction(probe.workspaceId, Math.random), action: { kind: 'record.create' } });
        probeIndexes.push(probeIndex);
        probeMicro += probeAmountMicro;
      } else messages.push(nextAction());
    }
    const publishedAtMs = performance.now();
    for (const probeIndex of probeIndexes) {
      recordProbe(probes[probeIndex] as Probe, publishedAtMs, warmingUp ? latency.warmup : latency.measured, !warmingUp);
    }
    await publishJson(bus, actionsTopic, messages);
    sent += messages.length;
    const wait = started + (tick + 1) * tickMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const seconds = (performance.now() - started) / 1_000;
  await waitFor(async () => probes.every((probe) => probe.pending.length === 0), 'every probe to be visible');
  await poller.stop();
  return { achievedPerSecond: sent / seconds, probeMicro };
}

async function runFullSpeed(
  bus: MessageBus,
  actionsTopic: string,
  reader: Client,
  probes: Probe[],
  nextAction: () => Record<string, unknown>,
  latency: Histogram,
  expectedTotal: () => bigint,
): Promise<{ actions: number; actionsPerSecond: number; storedPerSecond: number; publishSeconds: number; probeMicro: bigint }> {
  const chunk = 5_000;
  // Every message is made (and priced) before the clock starts: during the run the generator
  // only sends, and leaves the two cores to the system under test.
  const prepared: { messages: { key: string; value: Buffer }[]; probe: Probe }[] = [];
  let probeMicro = 0n;
  for (let from = 0; from < settings.fullSpeedActions; from += chunk) {
    const actions = Array.from({ length: Math.min(chunk, settings.fullSpeedActions - from) }, nextAction);
    const probe = probes[(from / chunk) % probes.length] as Probe;
    actions.push({ ...mixedAction(probe.workspaceId, Math.random), action: { kind: 'record.create' } });
    probeMicro += probeAmountMicro;
    // Bytes, as a producing service hands them over: the timed window measures sending only.
    prepared.push({ messages: actions.map((action) => ({ key: String(action.workspaceId), value: Buffer.from(JSON.stringify(action)) })), probe });
  }
  const poller = startProbePoller(reader, probes);
  const started = performance.now();
  const startedWallMs = Date.now();
  for (const { messages, probe } of prepared) {
    recordProbe(probe, performance.now(), latency, true);
    await bus.publish(actionsTopic, messages);
  }
  const published = (performance.now() - started) / 1_000;
  console.log(`published in ${published.toFixed(1)} s; waiting for balances`);
  await waitFor(async () => (await totalUsedMicro(reader)) >= expectedTotal() + probeMicro, 'every action to be visible', 50);
  const seconds = (performance.now() - started) / 1_000;
  await waitFor(async () => probes.every((probe) => probe.pending.length === 0), 'every probe to be visible');
  await poller.stop();
  const { rows } = await reader.query<{ last_ms: string }>(
    `select (extract(epoch from max(created_at)) * 1000)::bigint::text as last_ms from event_store_events`,
  );
  const storedSeconds = (Number(rows[0]?.last_ms) - startedWallMs) / 1_000;
  return {
    actions: settings.fullSpeedActions,
    actionsPerSecond: settings.fullSpeedActions / seconds,
    storedPerSecond: settings.fullSpeedActions / storedSeconds,
    publishSeconds: published,
    probeMicro,
  };
}

function recordProbe(probe: Probe, publishedAtMs: number, latency: Histogram, measured: boolean): void {
  probe.published += 1;
  probe.publishes.push({ wallMs: Date.now(), measured });
  probe.pending.push({ expectedUsedMicro: BigInt(probe.published) * probeAmountMicro, publishedAtMs, latency });
}

/** Polls the probe workspaces' balance rows; a probe is visible once its debit shows in `used`. */
function startProbePoller(reader: Client, probes: Probe[]): { stop(): Promise<void> } {
  let running = true;
  const ids = probes.map((probe) => probe.workspaceId);
  const loop = (async () => {
    while (running) {
      const { rows } = await reader.query<{ workspace_id: string; used: string }>(
        'select workspace_id, used_this_period_micro::text as used from projections.balances where workspace_id = any($1)',
        [ids],
      );
      const now = performance.now();
      for (const row of rows) {
        const probe = probes.find((candidate) => candidate.workspaceId === row.workspace_id);
        while (probe && probe.pending[0] && BigInt(row.used) >= probe.pending[0].expectedUsedMicro) {
          probe.pending[0].latency.recordValue(Math.max(1, Math.round(now - probe.pending[0].publishedAtMs)));
          probe.pending.shift();
        }
      }
      await new Promise((resolve) => setTimeout(resolve, settings.pollIntervalMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** The ledger's share: each measured probe's publish time against its debit's append time (created_at). */
async function publishToStoredLatency(reader: Client, probes: Probe[]): Promise<Histogram> {
  const histogram = newHistogram();
  for (const probe of probes) {
    const { rows } = await reader.query<{ stored_ms: string }>(
      `select (extract(epoch from created_at) * 1000)::bigint::text as stored_ms from event_store_events
        where stream_name = $1 and event_type = 'CreditDebited' order by stream_revision`,
      [`credits-${probe.workspaceId}`],
    );
    rows.forEach((row, index) => {
      const published = probe.publishes[index];
      if (published?.measured) histogram.recordValue(Math.max(1, Number(row.stored_ms) - published.wallMs));
    });
  }
  return histogram;
}

function priceOf(message: Record<string, unknown>): bigint {
  const parsed = parseInboundMessage(JSON.stringify(message));
  if (!parsed.ok || parsed.value.type !== 'ActionExecuted') throw new Error('assertion failed: the load generator made an invalid action');
  return priceAction(parsed.value.action, defaultPriceBook).amountMicro;
}

async function publishJson(bus: MessageBus, topic: string, messages: Record<string, unknown>[]): Promise<void> {
  const chunk = 5_000;
  for (let from = 0; from < messages.length; from += chunk) {
    await bus.publish(
      topic,
      messages.slice(from, from + chunk).map((message) => ({ key: String(message.workspaceId), value: JSON.stringify(message) })),
    );
  }
}

async function countBalances(reader: Client): Promise<number> {
  try {
    const { rows } = await reader.query<{ count: string }>('select count(*)::text as count from projections.balances');
    return Number(rows[0]?.count ?? 0);
  } catch {
    return 0; // the projector has not created its tables yet
  }
}

async function totalUsedMicro(reader: Client): Promise<bigint> {
  const { rows } = await reader.query<{ total: string | null }>('select sum(used_this_period_micro)::text as total from projections.balances');
  return BigInt(rows[0]?.total ?? '0');
}

async function waitFor(probe: () => Promise<boolean>, what: string, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function newHistogram(): Histogram {
  return buildHistogram({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000, numberOfSignificantValueDigits: 3 });
}

function summary(histogram: Histogram): LatencySummary {
  return {
    samples: histogram.totalCount,
    p50: histogram.getValueAtPercentile(50),
    p99: histogram.getValueAtPercentile(99),
    max: histogram.maxValue,
  };
}

