import { assertNever } from '@tally/contracts';
import type { CreditEvent } from '@tally/credits';
import type { Projection } from '../projection';
import { statementBulkRebuilder } from './statement.rebuild.sql';
import { insertStatementEntries, StatementRow } from './statement.sql';

type Movement = Pick<StatementRow, 'direction' | 'amountMicro' | 'occurredAt'>;

/** What a statement line shows for an event; null for events that move no money (status changes). */
export function movementOf(event: CreditEvent): Movement | null {
  switch (event.type) {
    case 'CreditDebited':
      return {
        direction: 'debit',
        amountMicro: event.data.amountMicro,
        occurredAt: event.data.occurredAt,
      };
    case 'CreditPackAdded':
      return {
        direction: 'credit',
        amountMicro: event.data.creditsMicro,
        occurredAt: event.data.occurredAt,
      };
    case 'CreditsGranted':
      return {
        direction: 'credit',
        amountMicro: event.data.creditsMicro,
        occurredAt: event.data.occurredAt,
      };
    case 'CreditGrantExpired':
      return {
        direction: 'debit',
        amountMicro: event.data.expiredMicro,
        occurredAt: event.data.expiresAt,
      };
    case 'CreditPeriodOpened':
      return {
        direction: 'credit',
        amountMicro: event.data.allocationMicro,
        occurredAt: event.data.occurredAt,
      };
    case 'CreditPeriodClosed':
      return {
        direction: 'debit',
        amountMicro: event.data.expiredMicro,
        occurredAt: event.data.processedAt,
      };
    case 'CreditsReserved':
      return {
        direction: 'hold',
        amountMicro: event.data.amountMicro,
        occurredAt: event.data.occurredAt,
      };
    case 'ReservationReleased':
      return {
        direction: 'release',
        amountMicro: event.data.releasedMicro,
        occurredAt: event.data.occurredAt,
      };
    case 'ReservationExpired':
      return {
        direction: 'release',
        amountMicro: event.data.releasedMicro,
        occurredAt: event.data.expiresAt,
      };
    case 'CreditStatusChanged':
      return null;
    default:
      return assertNever(event, 'credit event');
  }
}

export const statementProjection: Projection = {
  name: 'statement',
  tables: ['statement_entries'],
  bulkRebuilder: (schema) => statementBulkRebuilder(schema),
  async apply(sql, target, events) {
    const rows: StatementRow[] = [];
    for (const { recorded, event, workspaceId } of events) {
      const movement = movementOf(event);
      if (movement === null) continue;
      rows.push({ workspaceId, revision: recorded.revision, ...movement });
    }
    await insertStatementEntries(sql, target.schema, rows);
  },
};
