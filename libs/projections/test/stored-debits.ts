import { randomUUID } from 'node:crypto';
import type { EventStore, RecordedEvent } from '@tally/event-store';
import { workspaceStreamName } from '@tally/ledger';

// Test support: debits appended straight to a workspace's stream (not through the ledger), as a
// copy of its first stored debit with some fields changed — how a bad event gets into the store.

/** A debit whose amount no bigint column holds: every projection writing amounts fails on it. */
export const OVERFLOWING_AMOUNT_MICRO = '99999999999999999999';

export async function appendDebitCopy(
  store: EventStore,
  workspaceId: string,
  change: (data: Record<string, unknown>) => Record<string, unknown> = (data) => data,
): Promise<RecordedEvent> {
  const stream = workspaceStreamName(workspaceId);
  const template = (await store.readStream(stream)).find((event) => event.type === 'CreditDebited');
  if (!template) throw new Error(`no debit to copy in ${stream}`);
  const data = change({
    ...(template.data as Record<string, unknown>),
    sourceEventId: randomUUID(),
  });
  const result = await store.appendToStream(stream, [
    { id: randomUUID(), type: template.type, data },
  ]);
  const [appended] = await store.readStream(stream, {
    fromRevision: result.nextExpectedRevision,
    maxCount: 1,
  });
  if (!appended) throw new Error(`the debit appended to ${stream} cannot be read back`);
  return appended;
}
