import { EventStore, Position, RecordedEvent } from '@tally/event-store';

export interface DebitTotals {
  count: number;
  amountMicro: bigint;
  sourceEventIds: Set<string>;
}

const readPageSize = 5_000;

/** Every CreditDebited in the store, summed per workspace straight from the stored events. */
export async function debitTotalsByWorkspace(store: EventStore): Promise<Map<string, DebitTotals>> {
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
      const entry = totals.get(workspaceId) ?? { count: 0, amountMicro: 0n, sourceEventIds: new Set<string>() };
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
export async function storedDebitCount(sql: { query<Row>(text: string, params?: unknown[]): Promise<Row[]> }): Promise<number> {
  const rows = await sql.query<{ count: string }>(
    "select count(*)::text as count from event_store_events where event_type = 'CreditDebited'",
  );
  return Number(rows[0]?.count ?? 0);
}
