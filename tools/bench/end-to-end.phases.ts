// The three measured phases of the end-to-end run: a fixed rate with latency probes, full speed,
// and a backlog drained by a restarted ledger.
import { performance } from 'node:perf_hooks';
import { Histogram } from 'hdr-histogram-js';
import { startAppProcess } from '../support/app-process';
import {
  newHistogram,
  Probe,
  probeAction,
  probeAmountMicro,
  probesUnseen,
  publishToStoredLatency,
  recordProbe,
  startProbePoller,
} from './end-to-end.probes';
import type { EndToEndSettings, PricedLoad } from './end-to-end.run';
import {
  BenchStack,
  publishJson,
  totalUsageMicro,
  totalUsedMicro,
  waitFor,
} from './end-to-end.stack';
import { CpuPerAction, cpuMicrosPerAction, sampleCpu } from './process-cpu';

const fullSpeedChunkMessages = 5_000;

/** What every phase works on: the stack, the run's settings, the latency probes and the load. */
export interface BenchPhase {
  stack: BenchStack;
  settings: EndToEndSettings;
  probes: Probe[];
  load: PricedLoad;
}

/** One batch of the full-speed phase, already serialized, and the probe that closes it. */
interface PreparedChunk {
  messages: { key: string; value: Buffer }[];
  probe: Probe;
}

export interface FixedRateResult {
  achievedPerSecond: number;
  latency: { measured: Histogram; warmup: Histogram; publishToStored: Histogram };
}

export interface FullSpeedResult {
  actionsPerSecond: number;
  storedPerSecond: number;
  publishSeconds: number;
  latency: Histogram;
}

/** The fixed-rate phase, until every action of it (probes included) is visible. */
export async function measureFixedRate(phase: BenchPhase): Promise<FixedRateResult> {
  const { stack, settings, probes, load } = phase;
  console.log(
    `fixed rate: ${settings.fixedRatePerSecond}/s, ${settings.warmupSeconds} s warm-up then ${settings.fixedRateSeconds} s measured`,
  );
  const latency = { warmup: newHistogram(), measured: newHistogram() };
  const fixed = await runFixedRate(phase, latency);
  await waitFor(
    async () => (await totalUsedMicro(stack.reader)) >= load.expectedTotalMicro + fixed.probeMicro,
    'the fixed-rate phase to be visible',
  );
  const publishToStored = await publishToStoredLatency(stack.reader, probes);
  load.expectedTotalMicro += fixed.probeMicro;
  return { achievedPerSecond: fixed.achievedPerSecond, latency: { ...latency, publishToStored } };
}

export async function measureFullSpeed(phase: BenchPhase): Promise<FullSpeedResult> {
  console.log(`full speed: ${phase.settings.fullSpeedActions} actions`);
  const latency = newHistogram();
  const full = await runFullSpeed(phase, latency);
  phase.load.expectedTotalMicro += full.probeMicro;
  return { ...full, latency };
}

export interface BacklogDrainResult {
  /** Restart → every balance visible (the headline: the balance is written with the debits). */
  actionsPerSecond: number;
  /** Restart → every projection (usage, statement, rollover too) up to date. */
  allProjectedPerSecond: number;
  /** CPU per action of the stack's processes over restart → every projection up to date. */
  cpuMicrosPerAction: CpuPerAction;
}

/**
 * Actions published while the ledger is stopped, then drained by a restarted one — what Tally
 * sustains with no load generator running beside it.
 */
export async function measureBacklogDrain(phase: BenchPhase): Promise<BacklogDrainResult> {
  const { stack, settings, load } = phase;
  console.log(
    `backlog drain: ${settings.fullSpeedActions} actions published while the ledger is stopped`,
  );
  await stack.ledger.kill('SIGTERM');
  const backlog = Array.from({ length: settings.fullSpeedActions }, load.nextAction);
  await publishJson(stack.bus, stack.topics.actionExecuted, backlog);
  const appPids = () => ({ ledger: stack.ledger.child.pid, projector: stack.projector.child.pid });
  const cpuBefore = await sampleCpu(stack.reader, appPids());
  const drainStarted = performance.now();
  stack.ledger = startAppProcess('ledger', stack.appEnv);
  await waitFor(
    async () => (await totalUsedMicro(stack.reader)) >= load.expectedTotalMicro,
    'the backlog to be visible',
    50,
  );
  const visibleSeconds = (performance.now() - drainStarted) / 1_000;
  await waitFor(
    async () => (await totalUsageMicro(stack.reader)) >= load.expectedTotalMicro,
    'the backlog to be in every projection',
    50,
  );
  const allProjectedSeconds = (performance.now() - drainStarted) / 1_000;
  const cpuAfter = await sampleCpu(stack.reader, appPids());
  return {
    actionsPerSecond: settings.fullSpeedActions / visibleSeconds,
    allProjectedPerSecond: settings.fullSpeedActions / allProjectedSeconds,
    cpuMicrosPerAction: cpuMicrosPerAction(cpuBefore, cpuAfter, settings.fullSpeedActions),
  };
}

async function runFixedRate(
  phase: BenchPhase,
  latency: { warmup: Histogram; measured: Histogram },
): Promise<{ achievedPerSecond: number; probeMicro: bigint }> {
  const { stack, settings, probes, load } = phase;
  const tickMs = 20;
  const perTick = Math.max(1, Math.round((settings.fixedRatePerSecond * tickMs) / 1_000));
  const started = performance.now();
  const poller = startProbePoller(stack.reader, probes, settings.pollIntervalMs);
  const totalMs = (settings.warmupSeconds + settings.fixedRateSeconds) * 1_000;
  let sent = 0;
  let probeMicro = 0n;
  for (let tick = 0; performance.now() - started < totalMs; tick += 1) {
    const warmingUp = performance.now() - started < settings.warmupSeconds * 1_000;
    const messages: Record<string, unknown>[] = [];
    const probeIndexes: number[] = [];
    for (let index = 0; index < perTick; index += 1) {
      if ((sent + index) % settings.probeEvery === 0) {
        const probeIndex = ((sent + index) / settings.probeEvery) % probes.length;
        messages.push(probeAction(probes[probeIndex] as Probe));
        probeIndexes.push(probeIndex);
        probeMicro += probeAmountMicro;
      } else messages.push(load.nextAction());
    }
    const publishedAtMs = performance.now();
    const histogram = warmingUp ? latency.warmup : latency.measured;
    for (const probeIndex of probeIndexes) {
      recordProbe(probes[probeIndex] as Probe, publishedAtMs, histogram, !warmingUp);
    }
    await publishJson(stack.bus, stack.topics.actionExecuted, messages);
    sent += messages.length;
    const wait = started + (tick + 1) * tickMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const seconds = (performance.now() - started) / 1_000;
  await waitFor(async () => probesUnseen(probes) === 0, 'every probe to be visible');
  await poller.stop();
  return { achievedPerSecond: sent / seconds, probeMicro };
}

async function runFullSpeed(
  phase: BenchPhase,
  latency: Histogram,
): Promise<{
  actionsPerSecond: number;
  storedPerSecond: number;
  publishSeconds: number;
  probeMicro: bigint;
}> {
  const { stack, settings, probes, load } = phase;
  const { prepared, probeMicro } = prepareFullSpeed(phase);
  const poller = startProbePoller(stack.reader, probes, settings.pollIntervalMs);
  const started = performance.now();
  const startedWallMs = Date.now();
  for (const { messages, probe } of prepared) {
    recordProbe(probe, performance.now(), latency, true);
    await stack.bus.publish(stack.topics.actionExecuted, messages);
  }
  const published = (performance.now() - started) / 1_000;
  console.log(`published in ${published.toFixed(1)} s; waiting for balances`);
  await waitFor(
    async () => (await totalUsedMicro(stack.reader)) >= load.expectedTotalMicro + probeMicro,
    'every action to be visible',
    50,
  );
  const seconds = (performance.now() - started) / 1_000;
  await waitFor(async () => probesUnseen(probes) === 0, 'every probe to be visible');
  await poller.stop();
  const { rows } = await stack.reader.query<{ last_ms: string }>(
    `select (extract(epoch from max(created_at)) * 1000)::bigint::text as last_ms from event_store_events`,
  );
  const storedSeconds = (Number(rows[0]?.last_ms) - startedWallMs) / 1_000;
  return {
    actionsPerSecond: settings.fullSpeedActions / seconds,
    storedPerSecond: settings.fullSpeedActions / storedSeconds,
    publishSeconds: published,
    probeMicro,
  };
}

/**
 * Every message of the full-speed phase, made (and priced) before the clock starts: during the
 * run the generator only sends, and leaves the two cores to the system under test. A probe
 * action closes each chunk.
 */
function prepareFullSpeed(phase: BenchPhase): { prepared: PreparedChunk[]; probeMicro: bigint } {
  const { settings, probes, load } = phase;
  const chunk = fullSpeedChunkMessages;
  const prepared: PreparedChunk[] = [];
  let probeMicro = 0n;
  for (let from = 0; from < settings.fullSpeedActions; from += chunk) {
    const count = Math.min(chunk, settings.fullSpeedActions - from);
    const actions = Array.from({ length: count }, load.nextAction);
    const probe = probes[(from / chunk) % probes.length] as Probe;
    actions.push(probeAction(probe));
    probeMicro += probeAmountMicro;
    // Bytes, as a producing service hands them over: the timed window measures sending only.
    const messages = actions.map((action) => ({
      key: String(action.workspaceId),
      value: Buffer.from(JSON.stringify(action)),
    }));
    prepared.push({ messages, probe });
  }
  return { prepared, probeMicro };
}
