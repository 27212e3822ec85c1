// The end-to-end run on the real stack: Kafka broker and PostgreSQL on this machine, ledger
// and projector as separate processes, a load generator publishing a realistic mix. Measures
// publish → balance-visible throughput and latency, and the two ceilings (raw kafkajs
// consume-only, raw multi-row INSERT of the same rows). `npm run bench` runs it at full size;
// a short version runs in the test suite with the same correctness checks.
import { defaultPriceBook, priceAction } from '@tally/credits';
import { parseInboundMessage } from '@tally/contracts';
import { measureConsumeOnlyRate, measureRawInsertRate } from './ceilings';
import { measureBacklogDrain, measureFixedRate, measureFullSpeed } from './end-to-end.phases';
import type { CpuPerAction } from './process-cpu';
import { LatencySummary, newProbes, probesUnseen, summary } from './end-to-end.probes';
import {
  BenchStack,
  countBalances,
  partitions,
  publishJson,
  startBenchStack,
  stopBenchStack,
  totalUsedMicro,
  waitFor,
} from './end-to-end.stack';
import { mixedAction, periodStart, seededRandom, zipfSampler } from './load-mix';

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
  backlogDrain: {
    actions: number;
    /** Restart → every balance visible: the headline throughput. */
    actionsPerSecond: number;
    /** Restart → every projection up to date. */
    allProjectedPerSecond: number;
    /** µs of CPU per action by process (PostgreSQL backends by the app they serve). */
    cpuMicrosPerAction: CpuPerAction;
  };
  ceilings: { consumeOnlyPerSecond: number; rawInsertRowsPerSecond: number };
  /** Full speed (and the backlog drain) as a share of each ceiling. */
  ratios: {
    toConsumeOnly: number;
    toRawInsert: number;
    drainToConsumeOnly: number;
    drainToRawInsert: number;
  };
  /** Correctness: the projected total equals the independently priced total, to the µcr. */
  audit: { expectedTotalMicro: string; projectedTotalMicro: string; probesUnseen: number };
}

/** The generated traffic: Zipf-skewed workspaces, and the independently priced total so far. */
export interface PricedLoad {
  expectedTotalMicro: bigint;
  nextAction: () => Record<string, unknown>;
}

export async function runEndToEnd(
  settings: EndToEndSettings,
  connections: { brokers: string[]; serverUrl: string },
): Promise<EndToEndReport> {
  const stack = await startBenchStack(connections);
  try {
    await stack.reader.connect();
    const random = seededRandom(20261125);
    const workspaces = Array.from({ length: settings.workspaces }, (_, index) => `bench-${index}`);
    const probes = newProbes(settings.probes);
    await openPeriods(stack, [...workspaces, ...probes.map((probe) => probe.workspaceId)]);
    const load = pricedLoad(workspaces, random, await totalUsedMicro(stack.reader));

    const phase = { stack, settings, probes, load };
    const fixed = await measureFixedRate(phase);
    const full = await measureFullSpeed(phase);
    const drain = await measureBacklogDrain(phase);
    const consumeOnly = await measureConsumeOnlyRate(
      stack.bus,
      stack.topics.actionExecuted,
      partitions,
    );
    const rawInsert = await measureRawInsertRate(stack.reader, settings.fullSpeedActions);
    const projectedTotal = await totalUsedMicro(stack.reader);
    return {
      measuredAt: new Date().toISOString(),
      settings,
      fixedRate: {
        offeredPerSecond: settings.fixedRatePerSecond,
        achievedPerSecond: fixed.achievedPerSecond,
        latencyMs: summary(fixed.latency.measured),
        warmupLatencyMs: summary(fixed.latency.warmup),
        publishToStoredLatencyMs: summary(fixed.latency.publishToStored),
      },
      fullSpeed: {
        actions: settings.fullSpeedActions,
        actionsPerSecond: full.actionsPerSecond,
        storedPerSecond: full.storedPerSecond,
        publishSeconds: full.publishSeconds,
        latencyMs: summary(full.latency),
      },
      backlogDrain: { actions: settings.fullSpeedActions, ...drain },
      ceilings: { consumeOnlyPerSecond: consumeOnly, rawInsertRowsPerSecond: rawInsert },
      ratios: {
        toConsumeOnly: full.actionsPerSecond / consumeOnly,
        toRawInsert: full.actionsPerSecond / rawInsert,
        drainToConsumeOnly: drain.actionsPerSecond / consumeOnly,
        drainToRawInsert: drain.actionsPerSecond / rawInsert,
      },
      audit: {
        expectedTotalMicro: load.expectedTotalMicro.toString(),
        projectedTotalMicro: projectedTotal.toString(),
        probesUnseen: probesUnseen(probes),
      },
    };
  } finally {
    await stopBenchStack(stack);
  }
}

async function openPeriods(stack: BenchStack, workspaceIds: string[]): Promise<void> {
  console.log(`opening ${workspaceIds.length} periods`);
  await publishJson(
    stack.bus,
    stack.topics.subscription,
    workspaceIds.map((workspaceId) => periodStart(workspaceId)),
  );
  await waitFor(
    async () => (await countBalances(stack.reader)) >= workspaceIds.length,
    'every period to be projected',
  );
}

function pricedLoad(
  workspaces: string[],
  random: () => number,
  startingTotalMicro: bigint,
): PricedLoad {
  const pickWorkspace = zipfSampler(workspaces.length, 1.1, random);
  const load: PricedLoad = {
    expectedTotalMicro: startingTotalMicro,
    nextAction: () => {
      const action = mixedAction(workspaces[pickWorkspace()] as string, random);
      load.expectedTotalMicro += priceOf(action);
      return action;
    },
  };
  return load;
}

function priceOf(message: Record<string, unknown>): bigint {
  const parsed = parseInboundMessage(JSON.stringify(message));
  if (!parsed.ok || parsed.value.type !== 'ActionExecuted')
    throw new Error('assertion failed: the load generator made an invalid action');
  return priceAction(parsed.value.action, defaultPriceBook).amountMicro;
}
