import type { CreditEventType } from '@tally/credits';
import type { SqlClient } from '@tally/event-store';
import type { BulkRebuilder } from '../projection';
import { IN_RANGE, PositionRange, rangeParameters, WORKSPACE_ID } from '../rebuild/event-range.sql';

// The ledger statement rebuilt in the database: `movementOf` as a table of stored field names
// (a spec holds the two to the same lines). The table is loaded without its two unique indexes,
// which are built once at the end: event ids are unique in the store, and so are
// (stream, revision), so nothing can collide.

type MovingType = Exclude<CreditEventType, 'CreditStatusChanged'>;

export const STATEMENT_LINES: Readonly<
  Record<
    MovingType,
    { direction: 'credit' | 'debit'; amountField: string; occurredAtField: string }
  >
> = {
  CreditDebited: { direction: 'debit', amountField: 'amountMicro', occurredAtField: 'occurredAt' },
  CreditPackAdded: {
    direction: 'credit',
    amountField: 'creditsMicro',
    occurredAtField: 'occurredAt',
  },
  CreditsGranted: {
    direction: 'credit',
    amountField: 'creditsMicro',
    occurredAtField: 'occurredAt',
  },
  CreditGrantExpired: {
    direction: 'debit',
    amountField: 'expiredMicro',
    occurredAtField: 'expiresAt',
  },
  CreditPeriodOpened: {
    direction: 'credit',
    amountField: 'allocationMicro',
    occurredAtField: 'occurredAt',
  },
  CreditPeriodClosed: {
    direction: 'debit',
    amountField: 'expiredMicro',
    occurredAtField: 'processedAt',
  },
};

const lines = Object.entries(STATEMENT_LINES);
const caseOf = (pick: (line: (typeof lines)[number][1]) => string): string =>
  `CASE e.event_type ${lines.map(([type, line]) => `WHEN '${type}' THEN '${pick(line)}'`).join(' ')} END`;

// recorded_at: the batch path writes the driver's Date of created_at, which keeps milliseconds
// and truncates the rest (both drivers), hence date_trunc.
const INSERT_STATEMENT_OF_RANGE = (schema: string): string => `
INSERT INTO ${schema}.statement_entries
SELECT e.event_id, ${WORKSPACE_ID}, e.stream_revision, e.global_position, e.event_type,
       ${caseOf((line) => line.direction)}, (e.data ->> ${caseOf((line) => line.amountField)})::bigint,
       e.data ->> ${caseOf((line) => line.occurredAtField)}, date_trunc('milliseconds', e.created_at), e.data
  FROM event_store_events e
 WHERE ${IN_RANGE} AND e.event_type IN (${lines.map(([type]) => `'${type}'`).join(', ')})`;

export function statementBulkRebuilder(schema: string): BulkRebuilder {
  return {
    async prepare(sql) {
      await sql.query(
        `ALTER TABLE ${schema}.statement_entries DROP CONSTRAINT statement_entries_pkey`,
      );
    },
    async applyRange(sql: SqlClient, range: PositionRange) {
      await sql.query(INSERT_STATEMENT_OF_RANGE(schema), rangeParameters(range));
    },
    async finish(sql) {
      await sql.query(
        `ALTER TABLE ${schema}.statement_entries ADD CONSTRAINT statement_entries_pkey PRIMARY KEY (workspace_id, revision)`,
      );
    },
  };
}
