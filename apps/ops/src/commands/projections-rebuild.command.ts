import {
  ALL_PROJECTIONS,
  projectionsNamed,
  rebuildProjections,
  RebuildProgress,
} from '@tally/projections';
import type { ExitCode, OpsContext } from '../ops-context';

const barWidth = 30;
const progressIntervalMs = 250;

export function progressLine(progress: RebuildProgress): string {
  const filled = Math.round(progress.fraction * barWidth);
  const eta = progress.etaSeconds === null ? '?' : `${Math.ceil(progress.etaSeconds)}s`;
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${(progress.fraction * 100).toFixed(1)}% ${progress.events.toLocaleString('en')} events ${Math.round(progress.eventsPerSecond).toLocaleString('en')} events/s ETA ${eta}`;
}

/** `projections rebuild <name|all>`: fresh tables beside the live ones, switched when caught up. */
export async function rebuildCommand(context: OpsContext, name: string): Promise<ExitCode> {
  const projections = name === 'all' ? [...ALL_PROJECTIONS] : projectionsNamed([name]);
  let lastPrinted = 0;
  // The progress line is redrawn in place; it is ended however the rebuild ends, so a failure's
  // message starts on a line of its own.
  const result = await rebuildProjections(context.store, context.sql, projections, {
    onProgress: (progress) => {
      const now = Date.now();
      if (now - lastPrinted < progressIntervalMs && progress.fraction < 1) return;
      lastPrinted = now;
      context.err(`\r${progressLine(progress)}`);
    },
  }).finally(() => {
    if (lastPrinted > 0) context.err('\n');
  });
  const rate = result.seconds > 0 ? Math.round(result.events / result.seconds) : result.events;
  context.out(
    `rebuilt ${projections.map((projection) => projection.name).join(', ')}: ${result.events} events in ${result.seconds.toFixed(2)} s (${rate} events/s), switched to the fresh tables`,
  );
  return 0;
}
