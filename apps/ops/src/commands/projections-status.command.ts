import { positionToString } from '@tally/event-store';
import { ProjectionQueries } from '@tally/projections';
import type { ExitCode, OpsContext } from '../ops-context';

/** `projections status`: each checkpoint, how far behind the head of the store it is, and since when. */
export async function statusCommand(context: OpsContext): Promise<ExitCode> {
  const head = await context.store.headPosition();
  const checkpoints = await new ProjectionQueries(context.sql).checkpoints();
  context.out(`store head ${positionToString(head)}`);
  for (const checkpoint of checkpoints) {
    const position = checkpoint.position === null ? 'none' : positionToString(checkpoint.position);
    const behind = head.prepare - (checkpoint.position?.prepare ?? 0n);
    const ageSeconds = ((Date.now() - checkpoint.updatedAt.getTime()) / 1_000).toFixed(1);
    context.out(
      `${checkpoint.projection.padEnd(10)} checkpoint ${position.padEnd(24)} behind ${behind} sequence numbers, updated ${ageSeconds}s ago`,
    );
  }
  return 0;
}
