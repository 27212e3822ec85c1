import type { Projection } from '../projection';
import { rolloverBulkRebuilder } from './rollover.rebuild.sql';
import { RolloverRow, upsertRolloverPeriods } from './rollover.sql';

// Rollover history comes from the close events alone: each records the period's allocation,
// what was unused, carried over, expired and forgiven.
export const rolloverProjection: Projection = {
  name: 'rollover',
  tables: ['rollover_periods'],
  bulkRebuilder: (schema) => rolloverBulkRebuilder(schema),
  async apply(sql, target, events) {
    const rows = new Map<string, RolloverRow>();
    for (const { recorded, event, workspaceId } of events) {
      if (event.type !== 'CreditPeriodClosed') continue;
      const data = event.data;
      rows.set(`${workspaceId}\u0000${data.periodStart}`, {
        workspaceId,
        periodStart: data.periodStart,
        periodEnd: data.periodEnd,
        cycle: data.cycle,
        allocationMicro: data.allocationMicro,
        usedMicro: data.usedMicro,
        unusedMicro: data.unusedMicro,
        rolledOverMicro: data.rolledOverMicro,
        expiredMicro: data.expiredMicro,
        overdraftForgivenMicro: data.overdraftForgivenMicro,
        position: recorded.position.prepare,
      });
    }
    await upsertRolloverPeriods(sql, target.schema, [...rows.values()]);
  },
};
