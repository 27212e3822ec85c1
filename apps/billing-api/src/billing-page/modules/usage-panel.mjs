// "Used this period", the period it covers, and the forecast of when credits run out.
import { creditsText } from './credits-format.mjs';
import { dayFormat, periodText } from './date-format.mjs';
import { byId, setAmount } from './dom.mjs';

function forecastText(forecast) {
  if (forecast.basis === 'no-plan') return 'No forecast before the first period starts.';
  if (forecast.basis === 'exhausted') return 'Credits have run out.';
  if (forecast.willExhaustThisPeriod && forecast.exhaustsAt)
    return (
      'At this rate, credits run out on ' + dayFormat.format(new Date(forecast.exhaustsAt)) + '.'
    );
  if (forecast.basis === 'no-usage') return 'No usage yet this period.';
  return 'Credits last beyond this period.';
}

function basisText(forecast) {
  if (BigInt(forecast.dailyBurnMicro) <= 0n) return '';
  return (
    'Average use ' +
    creditsText(forecast.dailyBurnMicro) +
    ' a day' +
    (forecast.basis === 'trailing-7-days' ? ' over the last 7 days.' : ' since the period started.')
  );
}

function renderForecast(forecast) {
  const text = byId('forecast-text');
  const basis = byId('forecast-basis');
  if (!forecast) {
    text.textContent = '–';
    basis.textContent = '';
    return;
  }
  text.dataset.willExhaust = String(forecast.willExhaustThisPeriod);
  text.textContent = forecastText(forecast);
  basis.textContent = basisText(forecast);
}

export function renderUsagePanel(balance) {
  setAmount('usedThisPeriod', balance.usedThisPeriodMicro);
  const period = balance.period;
  byId('plan-line').textContent = period ? '· ' + period.cycle + ' plan' : '';
  byId('period-range').textContent = period
    ? 'Period ' + periodText(period.start, period.end)
    : 'No period yet';
  renderForecast(balance.forecast);
}
