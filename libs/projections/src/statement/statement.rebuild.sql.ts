import type { CreditEventType } from '@tally/credits';
import type { EventStore, PositionRange } from '@tally/event-store';
import { creditEventsOf, WORKSPACE_ID_OF_EVENT } from '../credit-streams';
import type { BulkRebuilder } from '../projection';
import type { StatementDirection } from './statement.sql';

// The ledger statement rebuilt in the database: `movementOf` as a table of stored field names
// (a spec holds the two to the same lines). The table is loaded without its primary key,
// which is built once at the end: (stream, revision) is unique in the store, so nothing
// can collide.

type MovingType = Exclude<CreditEventType, 'CreditStatusChanged'>;

export const STATEMENT_LINES: Readonly<
  Record<
    MovingType,
    { direction: StatementDirection; amountField: string; occurredAtField: string }
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
  CreditsReserved: { direction: 'hold', amountField: 'amountMicro', occurredAtField: 'occurredAt' },
  ReservationReleased: {
    direction: 'release',
    amountField: 'releasedMicro',
    occurredAtField: 'occurredAt',
  },
  ReservationExpired: {
    direction: 'release',
    amountField: 'releasedMicro',
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

const movingEvents = creditEventsOf(lines.map(([type]) => type));

async function insertStatementOfRange(
  events: EventStore,
  schema: string,
  range: PositionRange,
): Promise<void> {
  await events.queryRange({
    range,
    filter: movingEvents,
    statement: (moving) => `
      INSERT INTO ${schema}.statement_entries
      SELECT ${WORKSPACE_ID_OF_EVENT}, e.stream_revision, ${caseOf((line) => line.direction)},
             (e.data ->> ${caseOf((line) => line.amountField)})::bigint, e.data ->> ${caseOf((line) => line.occurredAtField)}
        FROM ${moving} e`,
  });
}

export function statementBulkRebuilder(schema: string): BulkRebuilder {
  return {
    async prepare(sql) {
      await sql.query(
        `ALTER TABLE ${schema}.statement_entries DROP CONSTRAINT statement_entries_pkey`,
      );
    },
    applyRange: (_sql, events, range) => insertStatementOfRange(events, schema, range),
    async finish(sql) {
      await sql.query(
        `ALTER TABLE ${schema}.statement_entries ADD CONSTRAINT statement_entries_pkey PRIMARY KEY (workspace_id, revision)`,
      );
    },
  };
}
