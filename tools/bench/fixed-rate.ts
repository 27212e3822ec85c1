import { monitorEventLoopDelay } from 'node:perf_hooks';

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? NaN;
}

/** p50, p99 and max of latencies in ms, to 0.1 ms, and how many there were. */
export function summary(samples: number[]): {
  p50: number;
  p99: number;
  max: number;
  count: number;
} {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    p50: round(percentile(sorted, 0.5)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    count: sorted.length,
  };
}

export interface FixedRateRun {
  /** Of the calls that succeeded, in ms. */
  latencies: number[];
  failures: unknown[];
  elapsedS: number;
  /** The generator's own stalls (its GC, its share of the cores): they end up in the latencies. */
  generatorEventLoopDelayMs: { p99: number; max: number };
}

/**
 * Starts `call(index)` `rate` times a second for `seconds`, each on its schedule whether or not
 * earlier ones have answered; `call` returns its latency in ms. With `stopAtFirstFailure`, no
 * call starts after one has failed (a failed run is reported, not measured).
 */
export async function runAtFixedRate(
  rate: number,
  seconds: number,
  call: (index: number) => Promise<number>,
  options: { stopAtFirstFailure: boolean },
): Promise<FixedRateRun> {
  const latencies: number[] = [];
  const failures: unknown[] = [];
  const generatorStalls = monitorEventLoopDelay({ resolution: 1 });
  generatorStalls.enable();
  const pending: Promise<void>[] = [];
  const started = performance.now();
  const total = rate * seconds;
  for (let index = 0; index < total; index += 1) {
    if (options.stopAtFirstFailure && failures.length > 0) break;
    const wait = started + (index * 1_000) / rate - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      call(index).then(
        (ms) => void latencies.push(ms),
        (error: unknown) => void failures.push(error),
      ),
    );
  }
  await Promise.all(pending);
  generatorStalls.disable();
  return {
    latencies,
    failures,
    elapsedS: (performance.now() - started) / 1_000,
    generatorEventLoopDelayMs: {
      p99: Math.round(generatorStalls.percentile(99) / 1e5) / 10,
      max: Math.round(generatorStalls.max / 1e5) / 10,
    },
  };
}
