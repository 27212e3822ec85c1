import type { SqlClient } from '@tally/event-store';
import type { InlineReadModel } from '@tally/ledger';
import { balanceReadModel } from './balance/balance.sql';
import { migrateProjections } from './projections.migrations';
import { BALANCE_CHANGED_CHANNEL, LIVE_SCHEMA } from './projections.limits';

/**
 * The read models every ledger writes with its events, in the append's own statement
 * (docs/projections.md, "Written with the events"): the balance, so the gate and the balance
 * view are true the moment a debit is stored. Their tables are migrated first (a ledger may start before
 * the projector). The projector still writes whatever no inline writer did.
 */
export async function inlineReadModels(sql: SqlClient): Promise<InlineReadModel[]> {
  await migrateProjections(sql);
  return [balanceReadModel(LIVE_SCHEMA, BALANCE_CHANGED_CHANNEL)];
}
