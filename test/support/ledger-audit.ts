import { comparePositions, EventStore, Position, RecordedEvent } from '@tally/event-store';

export interface DebitTotals {
  count: number;
  amountMicro: bigint;
  sourceEventIds: Set<string>;
}

const readPageSize = 5_000;

const visibilityWaitMsMax = 30_000;

/**
 * Every CreditDebited committed so far, summed per workspace straight from the stored events.
 * It first waits until the global order shows everything committed (a transaction elsewhere on
 * the server, e.g. another suite's, can hold that back for a moment).
 */
export async function debitTotalsByWorkspace(store: EventStore): Promise<Map<string, DebitTotals>> {
  const committed = await store.lastCommittedPosition();
  const deadline = Date.now() + visibilityWaitMsMax;
  while (comparePositions(await store.headPosition(), committed) < 0) {
    if (Date.now() > deadline) throw new Error('committed events did not become visible in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const totals = new Map<string, DebitTotals>();
  let fromPosition: Position | undefined;
  for (;;) {
    const page: RecordedEvent[] = await store.readAll({
      fromPosition,
      maxCount: readPageSize,
      filter: { eventTypes: ['CreditDebited'] },
    });
    for (const event of page) {
      const workspaceId = event.streamName.replace(/^credits-/, '');
      const data = event.data as { amountMicro: string; sourceEventId: string };
      const entry = totals.get(workspaceId) ?? {
        count: 0,
        amountMicro: 0n,
        sourceEventIds: new Set<string>(),
      };
      entry.count += 1;
      entry.amountMicro += BigInt(data.amountMicro);
      entry.sourceEventIds.add(data.sourceEventId);
      totals.set(workspaceId, entry);
    }
    const last = page[page.length - 1];
    if (!last || page.length < readPageSize) return totals;
    fromPosition = last.position;
  }
}

/** How many CreditDebited events are stored: a cheap count for waiting (reads the store's table). */
export async function storedDebitCount(sql: {
  query<Row>(text: string, params?: unknown[]): Promise<Row[]>;
}): Promise<number> {
  const rows = await sql.query<{ count: string }>(
    "select count(*)::text as count from event_store_events where event_type = 'CreditDebited'",
  );
  return Number(rows[0]?.count ?? 0);
}
