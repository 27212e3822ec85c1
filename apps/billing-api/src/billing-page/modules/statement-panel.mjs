/* global document */
// "Recent activity": the workspace's statement, newest first.
import { formatCredits } from './credits-format.mjs';
import { timeFormat } from './date-format.mjs';
import { byId, cell, emptyRow } from './dom.mjs';

export const STATEMENT_ROWS_MAX = 15;

function describe(entry) {
  const data = entry.data || {};
  switch (entry.type) {
    case 'CreditDebited': {
      const overdraft =
        data.split && BigInt(data.split.overdraftMicro || '0') > 0n ? ' · overdraft' : '';
      const unpriced = data.fallback ? ' · fallback rate' : '';
      const held = data.reservationFound ? ' · from hold ' + data.reservationId : '';
      return (
        (data.actionKind || 'Action') +
        (data.model ? ' · ' + data.model : '') +
        ' (' +
        (data.source || 'workflow') +
        ')' +
        unpriced +
        held +
        overdraft
      );
    }
    case 'CreditPackAdded':
      return 'Credit pack purchased';
    case 'CreditsReserved':
      return 'Credits reserved (' + data.reservationId + ')';
    case 'ReservationReleased':
      return 'Reservation released, unspent hold returned (' + data.reservationId + ')';
    case 'ReservationExpired':
      return 'Reservation expired, unspent hold returned (' + data.reservationId + ')';
    case 'CreditsGranted':
      return 'Credits granted (' + (data.grantType || 'grant') + ')';
    case 'CreditGrantExpired':
      return 'Granted credits expired';
    case 'CreditPeriodOpened':
      return 'Period started' + (data.cycle ? ' (' + data.cycle + ')' : '');
    case 'CreditPeriodClosed':
      return 'Period closed, unused credits expired';
    // A type this page does not know yet is still listed, under its own name.
    default:
      return entry.type;
  }
}

export function renderStatement(page) {
  const body = byId('ledger-rows');
  if (page.entries.length === 0) return emptyRow(body, 3, 'No credit movements yet.');
  body.textContent = '';
  for (const entry of page.entries.slice(0, STATEMENT_ROWS_MAX)) {
    const row = document.createElement('tr');
    cell(row, timeFormat.format(new Date(entry.occurredAt)), 'when');
    cell(row, describe(entry));
    // A hold and its release move no money (the debits drawn on a hold are their own rows):
    // they are shown unsigned, apart from the credits and debits.
    const moves = entry.direction === 'credit' || entry.direction === 'debit';
    const sign = entry.direction === 'credit' ? '+' : moves ? '−' : '';
    const label = moves ? '' : entry.direction === 'hold' ? 'held ' : 'returned ';
    cell(row, label + sign + formatCredits(entry.amountMicro, 6), 'num ' + entry.direction);
    body.appendChild(row);
  }
}
