import { WORKSPACE_ID_PATTERN } from '@tally/contracts';
import { workspaceStreamName } from '@tally/ledger';
import type { ExitCode, OpsContext } from '../ops-context';

const pageSize = 1_000;

/** `stream show <workspaceId>`: every event of the workspace, one readable line each. */
export async function streamShowCommand(
  context: OpsContext,
  workspaceId: string,
): Promise<ExitCode> {
  if (!WORKSPACE_ID_PATTERN.test(workspaceId)) {
    context.err(`not a workspace id: ${workspaceId}\n`);
    return 2;
  }
  let fromRevision: bigint | 'start' = 'start';
  let shown = 0;
  for (;;) {
    const page = await context.store.readStream(workspaceStreamName(workspaceId), {
      fromRevision,
      maxCount: pageSize,
    });
    for (const event of page) {
      context.out(
        `#${event.revision} ${event.createdAt.toISOString()} ${event.type.padEnd(20)} ${JSON.stringify(event.data)}`,
      );
    }
    shown += page.length;
    const last = page[page.length - 1];
    if (!last || page.length < pageSize) break;
    fromRevision = last.revision + 1n;
  }
  if (shown === 0) context.err(`no events for workspace ${workspaceId}\n`);
  return 0;
}
