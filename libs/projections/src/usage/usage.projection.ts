import type { Projection } from '../projection';
import { usageBulkRebuilder } from './usage.rebuild.sql';
import { addUsage, UsageIncrement } from './usage.sql';

const CANONICAL_UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** UTC day of an ISO instant. */
export function utcDayOf(instant: string): string {
  // Debits carry the contract's canonical form (`toISOString`): the day is its first ten
  // characters, without parsing a date per event.
  if (CANONICAL_UTC_INSTANT.test(instant)) return instant.slice(0, 10);
  return new Date(Date.parse(instant)).toISOString().slice(0, 10);
}

// Pre-aggregates the batch in memory, then one upsert adds it to the stored totals.
export const usageProjection: Projection = {
  name: 'usage',
  tables: ['usage_daily'],
  bulkRebuilder: (schema) => usageBulkRebuilder(schema),
  async apply(sql, target, events) {
    const increments = new Map<string, UsageIncrement>();
    for (const { event, workspaceId } of events) {
      if (event.type !== 'CreditDebited') continue;
      const day = utcDayOf(event.data.occurredAt);
      const key = `${workspaceId}\u0000${day}\u0000${event.data.actionKind}`;
      const increment = increments.get(key) ?? {
        workspaceId,
        day,
        actionKind: event.data.actionKind,
        totalMicro: 0n,
        actionCount: 0,
      };
      increment.totalMicro += event.data.amountMicro;
      increment.actionCount += 1;
      increments.set(key, increment);
    }
    await addUsage(sql, target.schema, [...increments.values()]);
  },
};
