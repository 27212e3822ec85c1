/* global document */
// "Rollover history": closed periods, newest first, with what rolled over and what expired.
import { formatCredits } from './credits-format.mjs';
import { periodText } from './date-format.mjs';
import { byId, cell, emptyRow } from './dom.mjs';

export function renderRollover(periods) {
  const body = byId('rollover-rows');
  if (periods.length === 0)
    return emptyRow(body, 4, 'No closed periods yet. Unused credits roll over when a period ends.');
  body.textContent = '';
  for (const period of periods) {
    const row = document.createElement('tr');
    cell(row, periodText(period.periodStart, period.periodEnd));
    cell(row, formatCredits(period.unusedMicro), 'num');
    cell(row, formatCredits(period.rolledOverMicro), 'num');
    cell(row, formatCredits(period.expiredMicro), 'num');
    body.appendChild(row);
  }
}
