/* Settings → Billing. Plain browser script, no build step, no framework.
   Amounts arrive as decimal µcr strings and are only ever handled as BigInt: never as floats. */
/* global document, window, sessionStorage, fetch, EventSource, URLSearchParams, setTimeout, clearTimeout, crypto */
'use strict';

(function billingPage() {
  const PACK_SIZES_CREDITS = ['10', '50', '100', '500'];
  const TOKEN_KEY = 'tally.billing.token';
  const LEDGER_ROWS_MAX = 15;
  const CHART_DAYS_MAX = 31;
  const REFRESH_DEBOUNCE_MS = 1500;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const KIND_COLORS = {
    'ai.generate': '#6366f1',
    'code.run': '#0ea5e9',
    'http.request': '#14b8a6',
    'email.send': '#f59e0b',
    'web.search': '#ec4899',
    'record.create': '#84cc16',
    'record.update': '#22c55e',
    'record.delete': '#ef4444',
    'record.find': '#a3a3a3',
  };
  const FALLBACK_COLORS = ['#8b5cf6', '#f97316', '#06b6d4', '#64748b'];

  const $ = (id) => document.getElementById(id);
  const state = { token: null, workspace: null, balance: null, refreshTimer: null, refreshing: false, stream: null };

  // ---- amounts ------------------------------------------------------------------------------

  function groupThousands(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }

  /** µcr decimal string → credits text, rounded half-up to `decimals` places, zeros trimmed. */
  function formatCredits(microText, decimals) {
    const places = decimals === undefined ? 4 : decimals;
    const micro = BigInt(microText);
    const negative = micro < 0n;
    const magnitude = negative ? -micro : micro;
    // A non-zero amount that would round to 0 is shown exactly (6 places) rather than as "0".
    const exactPlaces = magnitude !== 0n && magnitude < 10n ** BigInt(6 - places) ? 6 : places;
    const unit = 10n ** BigInt(6 - exactPlaces);
    const scaled = (magnitude + unit / 2n) / unit;
    const scale = 10n ** BigInt(exactPlaces);
    const whole = groupThousands((scaled / scale).toString());
    const fraction = (scaled % scale).toString().padStart(exactPlaces, '0').replace(/0+$/, '');
    return (negative ? '−' : '') + whole + (fraction ? '.' + fraction : '');
  }

  function creditsText(microText, decimals) {
    const text = formatCredits(microText, decimals);
    return text + (text === '1' ? ' credit' : ' credits');
  }

  // ---- dates (periods are UTC instants from the billing system) --------------------------------

  const dayFormat = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const dayYearFormat = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
  const timeFormat = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const DAY_MS = 86400000;

  function utcDay(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }

  function periodText(startIso, endIso) {
    const lastMs = Date.parse(endIso) - 1;
    return dayFormat.format(new Date(startIso)) + ' – ' + dayYearFormat.format(new Date(lastMs));
  }

  // ---- token and workspace from the URL ------------------------------------------------------

  function readLocation() {
    const params = new URLSearchParams(window.location.search);
    const token = params.get('token');
    if (token) {
      sessionStorage.setItem(TOKEN_KEY, token);
      params.delete('token');
      const query = params.toString();
      // The token must not stay in the address bar, history or a copied link.
      window.history.replaceState(null, '', window.location.pathname + (query ? '?' + query : '') + window.location.hash);
    }
    state.token = sessionStorage.getItem(TOKEN_KEY);
    const workspace = params.get('workspace');
    state.workspace = workspace && /^[A-Za-z0-9._:-]{1,128}$/.test(workspace) ? workspace : null;
  }

  function showPicker() {
    $('pick-workspace').hidden = false;
    $('pick-token-row').hidden = Boolean(state.token);
    $('pick-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const workspace = $('pick-workspace-id').value.trim();
      const token = $('pick-token').value.trim();
      if (!/^[A-Za-z0-9._:-]{1,128}$/.test(workspace)) {
        $('pick-workspace-id').setCustomValidity('1–128 characters of letters, digits and . _ : -');
        $('pick-workspace-id').reportValidity();
        return;
      }
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      window.location.search = '?workspace=' + encodeURIComponent(workspace);
    });
    $('pick-workspace-id').addEventListener('input', () => $('pick-workspace-id').setCustomValidity(''));
  }

  // ---- API -----------------------------------------------------------------------------------

  function apiPath(suffix) {
    return '/v1/workspaces/' + encodeURIComponent(state.workspace) + suffix;
  }

  async function api(path, init) {
    const response = await fetch(path, {
      ...init,
      headers: { authorization: 'Bearer ' + state.token, 'content-type': 'application/json' },
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const message = body && body.message ? body.message : 'HTTP ' + response.status;
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function showError(message) {
    const box = $('load-error');
    box.textContent = message;
    box.hidden = !message;
  }

  function explain(error) {
    if (error.status === 401) return 'Your access token is missing or has expired. Open the billing link again.';
    if (error.status === 403) return 'This token cannot read this workspace.';
    return 'Could not load billing data: ' + error.message;
  }

  // ---- rendering: balance --------------------------------------------------------------------

  function setAmount(field, microText) {
    for (const element of document.querySelectorAll('[data-field="' + field + '"]')) {
      element.textContent = creditsText(microText);
      element.dataset.micro = microText;
    }
  }

  const STATUS_LABELS = { active: 'Active', low: 'Low', exhausted: 'Exhausted', no_plan: 'No plan' };

  function renderBanner(balance) {
    const banner = $('banner');
    const overdraft = BigInt(balance.overdraftMicro);
    let text = '';
    if (balance.status === 'exhausted') {
      text = 'Credits exhausted. Workflows keep running, and their usage is recorded as overdraft' +
        (overdraft > 0n ? ' (' + creditsText(balance.overdraftMicro) + ' so far)' : '') +
        '. Buy credits to cover it.';
    } else if (balance.status === 'low') {
      text = 'Credits are running low: ' + creditsText(balance.totalAvailableMicro) +
        ' left, 20 % or less of this period\u2019s allocation. Buy credits to avoid running out.';
    } else if (balance.status === 'no_plan') {
      text = 'No billing period has started for this workspace yet.';
    }
    banner.textContent = text;
    banner.dataset.status = balance.status;
    banner.hidden = !text;
  }

  function renderBalance(balance) {
    if (state.balance && BigInt(balance.position) < BigInt(state.balance.position)) return;
    const forecast = balance.forecast || (state.balance && state.balance.forecast);
    state.balance = Object.assign({}, balance, forecast ? { forecast } : {});
    setAmount('allocationRemaining', balance.allocationRemainingMicro);
    setAmount('allocation', balance.allocationMicro);
    setAmount('rollover', balance.rolloverMicro);
    setAmount('purchased', balance.purchasedMicro);
    setAmount('totalAvailable', balance.totalAvailableMicro);
    setAmount('usedThisPeriod', balance.usedThisPeriodMicro);
    const allocation = BigInt(balance.allocationMicro);
    const remaining = BigInt(balance.allocationRemainingMicro);
    const percent = allocation > 0n ? Number((remaining * 1000n) / allocation) / 10 : 0;
    $('allocation-meter').style.width = percent + '%';
    const granted = BigInt(balance.grantedMicro);
    $('granted-detail').textContent = granted > 0n
      ? 'plus ' + creditsText(balance.grantedMicro) + ' granted'
      : 'credit packs, never expire';
    const pill = $('status-pill');
    pill.textContent = STATUS_LABELS[balance.status] || balance.status;
    pill.dataset.status = balance.status;
    $('plan-line').textContent = balance.period ? '· ' + balance.period.cycle + ' plan' : '';
    $('period-range').textContent = balance.period ? 'Period ' + periodText(balance.period.start, balance.period.end) : 'No period yet';
    renderBanner(balance);
    renderForecast();
  }

  function renderForecast() {
    const balance = state.balance;
    const forecast = balance && balance.forecast;
    const text = $('forecast-text');
    const basis = $('forecast-basis');
    if (!forecast) {
      text.textContent = '–';
      basis.textContent = '';
      return;
    }
    text.dataset.willExhaust = String(forecast.willExhaustThisPeriod);
    if (forecast.basis === 'no-plan') text.textContent = 'No forecast before the first period starts.';
    else if (forecast.basis === 'exhausted') text.textContent = 'Credits have run out.';
    else if (forecast.willExhaustThisPeriod && forecast.exhaustsAt)
      text.textContent = 'At this rate, credits run out on ' + dayFormat.format(new Date(forecast.exhaustsAt)) + '.';
    else if (forecast.basis === 'no-usage') text.textContent = 'No usage yet this period.';
    else text.textContent = 'Credits last beyond this period.';
    basis.textContent = BigInt(forecast.dailyBurnMicro) > 0n
      ? 'Average use ' + creditsText(forecast.dailyBurnMicro) + ' a day' +
        (forecast.basis === 'trailing-7-days' ? ' over the last 7 days.' : ' since the period started.')
      : '';
  }

  // ---- rendering: chart ------------------------------------------------------------------------

  function chartDays(balance) {
    const todayMs = Date.parse(utcDay(Date.now()));
    if (!balance.period) return [];
    const startMs = Date.parse(utcDay(Date.parse(balance.period.start)));
    const endMs = Date.parse(balance.period.end);
    // The whole period when it is a month or so; otherwise (yearly) the last weeks up to today.
    let firstMs = startMs;
    let lastMs = endMs - 1;
    if ((lastMs - firstMs) / DAY_MS >= CHART_DAYS_MAX) {
      lastMs = Math.min(Math.max(todayMs, startMs), endMs - 1);
      firstMs = Math.max(startMs, lastMs - (CHART_DAYS_MAX - 1) * DAY_MS);
    }
    const days = [];
    for (let ms = Date.parse(utcDay(firstMs)); ms <= lastMs; ms += DAY_MS) days.push(utcDay(ms));
    return days;
  }

  function svg(name, attributes, parent) {
    const element = document.createElementNS(SVG_NS, name);
    for (const key of Object.keys(attributes)) element.setAttribute(key, String(attributes[key]));
    if (parent) parent.appendChild(element);
    return element;
  }

  /** A round step (1, 2 or 5 × 10^n µcr) so that at most five gridlines cover `max`. */
  function niceStep(maxMicro) {
    let step = 1n;
    for (;;) {
      for (const factor of [1n, 2n, 5n]) if (step * factor * 5n >= maxMicro) return step * factor;
      step *= 10n;
    }
  }

  function colorOf(kind, index) {
    return KIND_COLORS[kind] || FALLBACK_COLORS[index % FALLBACK_COLORS.length];
  }

  function renderChart(series, days) {
    const container = $('chart');
    const legend = $('chart-legend');
    container.textContent = '';
    legend.textContent = '';
    if (days.length === 0) {
      container.innerHTML = '<p class="muted empty">No period yet.</p>';
      return;
    }
    $('chart-range').textContent = 'Daily, by action kind · ' + dayFormat.format(new Date(days[0])) + ' – ' +
      dayFormat.format(new Date(days[days.length - 1]));
    const byDay = new Map(series.map((bucket) => [bucket.bucketStart.slice(0, 10), bucket]));
    const totals = new Map();
    for (const bucket of series) for (const kind of Object.keys(bucket.byKind))
      totals.set(kind, (totals.get(kind) || 0n) + BigInt(bucket.byKind[kind]));
    const kinds = Array.from(totals.keys()).sort((a, b) => (totals.get(b) > totals.get(a) ? 1 : totals.get(b) < totals.get(a) ? -1 : a.localeCompare(b)));
    let maxMicro = 0n;
    for (const day of days) {
      const bucket = byDay.get(day);
      if (bucket && BigInt(bucket.totalMicro) > maxMicro) maxMicro = BigInt(bucket.totalMicro);
    }
    const width = 760, height = 220, left = 64, right = 8, top = 10, bottom = 26;
    const plotHeight = height - top - bottom;
    const ceiling = maxMicro === 0n ? 400n : maxMicro;
    const step = niceStep(ceiling);
    const lines = (ceiling + step - 1n) / step;
    const axisMax = step * lines;
    const root = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img', class: 'chart-svg', 'aria-labelledby': 'chart-svg-title' });
    svg('title', { id: 'chart-svg-title' }, root).textContent = 'Daily credit usage by action kind' +
      (maxMicro === 0n ? ': no usage yet' : ', highest day ' + creditsText(maxMicro.toString()));
    const y = (micro) => top + plotHeight - Number((micro * BigInt(plotHeight * 1000)) / axisMax) / 1000;
    for (let line = 0n; line <= lines; line += 1n) {
      const value = step * line;
      svg('line', { x1: left, x2: width - right, y1: y(value), y2: y(value), class: line === 0n ? 'axis' : 'grid' }, root);
      const label = svg('text', { x: left - 8, y: y(value) + 4, class: 'tick', 'text-anchor': 'end' }, root);
      label.textContent = formatCredits(value.toString(), 4);
    }
    const slot = (width - left - right) / days.length;
    const barWidth = Math.max(2, slot * 0.66);
    const labelEvery = Math.ceil(days.length / 8);
    days.forEach((day, index) => {
      const x = left + index * slot + (slot - barWidth) / 2;
      const bucket = byDay.get(day);
      let base = 0n;
      if (bucket) {
        kinds.forEach((kind, kindIndex) => {
          const micro = BigInt(bucket.byKind[kind] || '0');
          if (micro === 0n) return;
          const rect = svg('rect', { x: x, y: y(base + micro), width: barWidth, height: Math.max(0.5, y(base) - y(base + micro)), fill: colorOf(kind, kindIndex) }, root);
          svg('title', {}, rect).textContent = dayFormat.format(new Date(day)) + ' · ' + kind + ': ' + creditsText(micro.toString(), 6);
          base += micro;
        });
      }
      if (index % labelEvery === 0) {
        const label = svg('text', { x: x + barWidth / 2, y: height - 8, class: 'tick', 'text-anchor': 'middle' }, root);
        label.textContent = dayFormat.format(new Date(day));
      }
    });
    container.appendChild(root);
    if (kinds.length === 0) {
      const note = document.createElement('p');
      note.className = 'muted chart-note';
      note.textContent = 'No usage yet this period.';
      container.appendChild(note);
    }
    kinds.forEach((kind, kindIndex) => {
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = colorOf(kind, kindIndex);
      item.append(swatch, kind + ' · ' + creditsText(totals.get(kind).toString()));
      legend.appendChild(item);
    });
  }

  // ---- rendering: tables -----------------------------------------------------------------------

  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function emptyRow(body, columns, text) {
    body.textContent = '';
    const row = document.createElement('tr');
    cell(row, text, 'muted').colSpan = columns;
    body.appendChild(row);
  }

  function describe(entry) {
    const data = entry.data || {};
    switch (entry.type) {
      case 'CreditDebited': {
        const overdraft = data.split && BigInt(data.split.overdraftMicro || '0') > 0n ? ' · overdraft' : '';
        return (data.actionKind || 'Action') + (data.model ? ' · ' + data.model : '') + ' (' + (data.source || 'workflow') + ')' + overdraft;
      }
      case 'CreditPackAdded': return 'Credit pack purchased';
      case 'CreditsGranted': return 'Credits granted (' + (data.grantType || 'grant') + ')';
      case 'CreditGrantExpired': return 'Granted credits expired';
      case 'CreditPeriodOpened': return 'Period started' + (data.cycle ? ' (' + data.cycle + ')' : '');
      case 'CreditPeriodClosed': return 'Period closed, unused credits expired';
      default: return entry.type;
    }
  }

  function renderLedger(page) {
    const body = $('ledger-rows');
    if (page.entries.length === 0) return emptyRow(body, 3, 'No credit movements yet.');
    body.textContent = '';
    for (const entry of page.entries.slice(0, LEDGER_ROWS_MAX)) {
      const row = document.createElement('tr');
      cell(row, timeFormat.format(new Date(entry.occurredAt)), 'when');
      cell(row, describe(entry));
      const sign = entry.direction === 'credit' ? '+' : '−';
      cell(row, sign + formatCredits(entry.amountMicro, 6), 'num ' + entry.direction);
      body.appendChild(row);
    }
  }

  function renderRollover(periods) {
    const body = $('rollover-rows');
    if (periods.length === 0) return emptyRow(body, 4, 'No closed periods yet. Unused credits roll over when a period ends.');
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

  // ---- loading and live updates ----------------------------------------------------------------

  async function refreshAll() {
    if (state.refreshing) return scheduleRefresh();
    state.refreshing = true;
    try {
      const balance = await api(apiPath('/credits'));
      renderBalance(balance);
      const days = chartDays(balance);
      const [usage, rollover, ledger] = await Promise.all([
        days.length > 0
          ? api(apiPath('/credits/usage?bucket=day&from=' + days[0] + '&to=' + utcDay(Date.parse(days[days.length - 1]) + DAY_MS)))
          : Promise.resolve({ series: [] }),
        api(apiPath('/credits/rollover')),
        api(apiPath('/credits/ledger?limit=' + LEDGER_ROWS_MAX)),
      ]);
      renderChart(usage.series, days);
      renderRollover(rollover.periods);
      renderLedger(ledger);
      showError('');
    } catch (error) {
      showError(explain(error));
    } finally {
      state.refreshing = false;
    }
  }

  function scheduleRefresh() {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(refreshAll, REFRESH_DEBOUNCE_MS);
  }

  function setLive(stateName, text) {
    $('live-indicator').dataset.state = stateName;
    $('live-text').textContent = text;
  }

  function connectStream() {
    // EventSource cannot send headers: the stream route accepts the token as ?access_token=.
    const url = apiPath('/credits/stream') + '?access_token=' + encodeURIComponent(state.token);
    const stream = new EventSource(url);
    state.stream = stream;
    stream.addEventListener('open', () => setLive('on', 'Live'));
    stream.addEventListener('balance', (event) => {
      setLive('on', 'Live');
      renderBalance(JSON.parse(event.data));
      scheduleRefresh();
    });
    stream.addEventListener('error', () => {
      setLive(stream.readyState === EventSource.CLOSED ? 'off' : 'wait', stream.readyState === EventSource.CLOSED ? 'Offline' : 'Reconnecting…');
    });
  }

  // ---- buying packs ------------------------------------------------------------------------------

  function paymentRef() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  }

  function renderPacks() {
    const container = $('packs');
    for (const credits of PACK_SIZES_CREDITS) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'button pack';
      button.dataset.credits = credits;
      button.innerHTML = '<span class="pack-size"></span><span class="pack-unit">credits</span>';
      button.querySelector('.pack-size').textContent = credits;
      button.setAttribute('aria-label', 'Buy ' + credits + ' credits');
      button.addEventListener('click', () => buy(credits));
      container.appendChild(button);
    }
  }

  async function buy(credits) {
    const buttons = document.querySelectorAll('#packs button');
    const status = $('buy-status');
    buttons.forEach((button) => { button.disabled = true; });
    status.dataset.state = 'pending';
    status.textContent = 'Buying ' + credits + ' credits…';
    try {
      await api(apiPath('/credit-packs'), { method: 'POST', body: JSON.stringify({ credits: credits, paymentRef: paymentRef() }) });
      status.dataset.state = 'done';
      status.textContent = 'Added ' + credits + ' credits. Total Available updates in a moment.';
    } catch (error) {
      status.dataset.state = 'error';
      status.textContent = error.status === 403 ? 'This token may not buy credits.' : 'The purchase failed: ' + error.message;
    } finally {
      buttons.forEach((button) => { button.disabled = false; });
    }
  }

  // ---- start ---------------------------------------------------------------------------------------

  function start() {
    readLocation();
    if (!state.workspace || !state.token) return showPicker();
    $('workspace-id').textContent = state.workspace;
    $('workspace-line').hidden = false;
    $('billing').hidden = false;
    renderPacks();
    refreshAll();
    connectStream();
  }

  // Exposed for the browser test and for debugging from the console.
  window.tallyBilling = { formatCredits: formatCredits };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
