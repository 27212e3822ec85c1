import { ledgerGroupIdDefault } from './ledger.service';

/**
 * The ledger's consumer group: `TALLY_LEDGER_GROUP_ID`, or `tally-ledger` when unset or empty.
 * Read here only, by the standalone ledger and by the all-in-one runner alike.
 */
export function ledgerGroupIdFromEnvironment(env = process.env): string {
  return env.TALLY_LEDGER_GROUP_ID?.trim() || ledgerGroupIdDefault;
}
