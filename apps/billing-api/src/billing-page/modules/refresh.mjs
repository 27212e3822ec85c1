/* global setTimeout, clearTimeout */
// Reads everything the panels show, and re-reads it (debounced) after each change on the stream.
import {
  explainReadError,
  readBalance,
  readDailyUsage,
  readRollover,
  readStatement,
} from './api-client.mjs';
import { renderBalancePanel } from './balance-panel.mjs';
import { DAY_MS, utcDay } from './date-format.mjs';
import { byId } from './dom.mjs';
import { acceptBalance, state } from './page-state.mjs';
import { renderRollover } from './rollover-panel.mjs';
import { renderStatement, STATEMENT_ROWS_MAX } from './statement-panel.mjs';
import { chartDays, renderChart } from './usage-chart.mjs';
import { renderUsagePanel } from './usage-panel.mjs';

// A burst of balance events costs one re-read of the chart and tables, not one each.
const REFRESH_DEBOUNCE_MS = 1500;

let refreshTimer = null;
let refreshing = false;

/** Shows a balance (from a read or the stream) unless a newer one is already on screen. */
export function showBalance(balance) {
  if (!acceptBalance(balance)) return;
  renderBalancePanel(state.balance);
  renderUsagePanel(state.balance);
}

function showError(message) {
  const box = byId('load-error');
  box.textContent = message;
  box.hidden = !message;
}

function readUsageOver(days) {
  if (days.length === 0) return Promise.resolve({ series: [] });
  const endDay = utcDay(Date.parse(days[days.length - 1]) + DAY_MS);
  return readDailyUsage(days[0], endDay);
}

export async function refreshAll() {
  if (refreshing) return scheduleRefresh();
  refreshing = true;
  try {
    const balance = await readBalance();
    showBalance(balance);
    const days = chartDays(balance);
    const [usage, rollover, statement] = await Promise.all([
      readUsageOver(days),
      readRollover(),
      readStatement(STATEMENT_ROWS_MAX),
    ]);
    renderChart(usage.series, days);
    renderRollover(rollover.periods);
    renderStatement(statement);
    showError('');
  } catch (error) {
    showError(explainReadError(error));
  } finally {
    refreshing = false;
  }
}

export function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refreshAll, REFRESH_DEBOUNCE_MS);
}
