// Latency probes of the end-to-end run: a few dedicated workspaces receive a cheap action every
// `probeEvery` messages, and a poller times how long each takes to show in the balance
// projection (what a user sees).
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { build as buildHistogram, Histogram } from 'hdr-histogram-js';
import { mixedAction } from './load-mix';

/** What one probe action costs: a `record.create`. */
export const probeAmountMicro = 100n;

export interface Probe {
  workspaceId: string;
  published: number;
  /** Probe actions not yet visible, each with the histogram its latency goes to. */
  pending: { expectedUsedMicro: bigint; publishedAtMs: number; latency: Histogram }[];
  /** Wall-clock publish time of every probe action, to compare with the stored events' times. */
  publishes: { wallMs: number; measured: boolean }[];
}

export interface LatencySummary {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

export function newProbes(count: number): Probe[] {
  return Array.from({ length: count }, (_, index) => ({
    workspaceId: `probe-${index}`,
    published: 0,
    pending: [],
    publishes: [],
  }));
}

/** The action a probe publishes; its price is always `probeAmountMicro`. */
export function probeAction(probe: Probe): Record<string, unknown> {
  return { ...mixedAction(probe.workspaceId, Math.random), action: { kind: 'record.create' } };
}

/** Notes that a probe action is published now; its latency goes to `latency` once visible. */
export function recordProbe(
  probe: Probe,
  publishedAtMs: number,
  latency: Histogram,
  measured: boolean,
): void {
  probe.published += 1;
  probe.publishes.push({ wallMs: Date.now(), measured });
  probe.pending.push({
    expectedUsedMicro: BigInt(probe.published) * probeAmountMicro,
    publishedAtMs,
    latency,
  });
}

export function probesUnseen(probes: Probe[]): number {
  return probes.reduce((sum, probe) => sum + probe.pending.length, 0);
}

/** Polls the probe workspaces' balance rows; a probe is visible once its debit shows in `used`. */
export function startProbePoller(
  reader: Client,
  probes: Probe[],
  pollIntervalMs: number,
): { stop(): Promise<void> } {
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
        if (probe) markVisible(probe, BigInt(row.used), now);
      }
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

function markVisible(probe: Probe, usedMicro: bigint, nowMs: number): void {
  while (probe.pending[0] && usedMicro >= probe.pending[0].expectedUsedMicro) {
    const visible = probe.pending[0];
    visible.latency.recordValue(Math.max(1, Math.round(nowMs - visible.publishedAtMs)));
    probe.pending.shift();
  }
}

/** The ledger's share: each measured probe's publish time against its debit's append time (created_at). */
export async function publishToStoredLatency(reader: Client, probes: Probe[]): Promise<Histogram> {
  const histogram = newHistogram();
  for (const probe of probes) {
    const { rows } = await reader.query<{ stored_ms: string }>(
      `select (extract(epoch from created_at) * 1000)::bigint::text as stored_ms from event_store_events
        where stream_name = $1 and event_type = 'CreditDebited' order by stream_revision`,
      [`credits-${probe.workspaceId}`],
    );
    rows.forEach((row, index) => {
      const published = probe.publishes[index];
      if (published?.measured)
        histogram.recordValue(Math.max(1, Number(row.stored_ms) - published.wallMs));
    });
  }
  return histogram;
}

export function newHistogram(): Histogram {
  return buildHistogram({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000,
    numberOfSignificantValueDigits: 3,
  });
}

export function summary(histogram: Histogram): LatencySummary {
  return {
    samples: histogram.totalCount,
    p50: histogram.getValueAtPercentile(50),
    p99: histogram.getValueAtPercentile(99),
    max: histogram.maxValue,
  };
}
