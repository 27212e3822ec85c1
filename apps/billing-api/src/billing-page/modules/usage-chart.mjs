/* global document */
// "Usage trend": stacked bars per UTC day and action kind, drawn as inline SVG. Every amount is
// a BigInt of µcr until it becomes a pixel position.
import { creditsText, formatCredits } from './credits-format.mjs';
import { DAY_MS, dayFormat, utcDay } from './date-format.mjs';
import { byId } from './dom.mjs';

const CHART_DAYS_MAX = 31;
const X_LABELS_MAX = 8;
const SVG_NS = 'http://www.w3.org/2000/svg';
// The drawing in the SVG's own units; the element scales it to the card's width.
const BOX = { width: 760, height: 220, left: 64, right: 8, top: 10, bottom: 26 };
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

/** The days to draw: the whole period when it is a month or so, else (yearly) the last weeks up to today. */
export function chartDays(balance) {
  if (!balance.period) return [];
  const todayMs = Date.parse(utcDay(Date.now()));
  const startMs = Date.parse(utcDay(Date.parse(balance.period.start)));
  const endMs = Date.parse(balance.period.end);
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

/** A round step (1, 2 or 5 × 10^n µcr) so that at most five gridlines cover `maxMicro`. */
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

/** Each kind's total over the series, and the kinds by total, largest first (then by name). */
function kindTotals(series) {
  const totals = new Map();
  for (const bucket of series)
    for (const kind of Object.keys(bucket.byKind))
      totals.set(kind, (totals.get(kind) || 0n) + BigInt(bucket.byKind[kind]));
  const kinds = Array.from(totals.keys()).sort((a, b) =>
    totals.get(b) > totals.get(a) ? 1 : totals.get(b) < totals.get(a) ? -1 : a.localeCompare(b),
  );
  return { totals, kinds };
}

/** The vertical scale: gridline step, gridline count and µcr → y. */
function verticalScale(maxMicro) {
  const plotHeight = BOX.height - BOX.top - BOX.bottom;
  const ceiling = maxMicro === 0n ? 400n : maxMicro;
  const step = niceStep(ceiling);
  const lines = (ceiling + step - 1n) / step;
  const axisMax = step * lines;
  const y = (micro) =>
    BOX.top + plotHeight - Number((micro * BigInt(plotHeight * 1000)) / axisMax) / 1000;
  return { step, lines, y };
}

function drawGrid(root, scale) {
  for (let line = 0n; line <= scale.lines; line += 1n) {
    const value = scale.step * line;
    const y = scale.y(value);
    svg(
      'line',
      {
        x1: BOX.left,
        x2: BOX.width - BOX.right,
        y1: y,
        y2: y,
        class: line === 0n ? 'axis' : 'grid',
      },
      root,
    );
    svg(
      'text',
      { x: BOX.left - 8, y: y + 4, class: 'tick', 'text-anchor': 'end' },
      root,
    ).textContent = formatCredits(value.toString(), 4);
  }
}

function drawBar(root, x, width, day, bucket, kinds, scale) {
  let base = 0n;
  kinds.forEach((kind, kindIndex) => {
    const micro = BigInt(bucket.byKind[kind] || '0');
    if (micro === 0n) return;
    const height = Math.max(0.5, scale.y(base) - scale.y(base + micro));
    const rect = svg(
      'rect',
      { x, y: scale.y(base + micro), width, height, fill: colorOf(kind, kindIndex) },
      root,
    );
    svg('title', {}, rect).textContent =
      dayFormat.format(new Date(day)) + ' · ' + kind + ': ' + creditsText(micro.toString(), 6);
    base += micro;
  });
}

function drawDays(root, days, byDay, kinds, scale) {
  const slot = (BOX.width - BOX.left - BOX.right) / days.length;
  const barWidth = Math.max(2, slot * 0.66);
  const labelEvery = Math.ceil(days.length / X_LABELS_MAX);
  days.forEach((day, index) => {
    const x = BOX.left + index * slot + (slot - barWidth) / 2;
    const bucket = byDay.get(day);
    if (bucket) drawBar(root, x, barWidth, day, bucket, kinds, scale);
    if (index % labelEvery === 0) {
      const label = svg(
        'text',
        { x: x + barWidth / 2, y: BOX.height - 8, class: 'tick', 'text-anchor': 'middle' },
        root,
      );
      label.textContent = dayFormat.format(new Date(day));
    }
  });
}

function renderLegend(kinds, totals) {
  const legend = byId('chart-legend');
  legend.textContent = '';
  kinds.forEach((kind, kindIndex) => {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = colorOf(kind, kindIndex);
    item.append(swatch, kind + ' · ' + creditsText(totals.get(kind).toString()));
    legend.appendChild(item);
  });
}

function note(className, text) {
  const paragraph = document.createElement('p');
  paragraph.className = className;
  paragraph.textContent = text;
  return paragraph;
}

export function renderChart(series, days) {
  const container = byId('chart');
  container.textContent = '';
  const { totals, kinds } = kindTotals(series);
  renderLegend(kinds, totals);
  if (days.length === 0) return container.appendChild(note('muted empty', 'No period yet.'));
  byId('chart-range').textContent =
    'Daily, by action kind · ' +
    dayFormat.format(new Date(days[0])) +
    ' – ' +
    dayFormat.format(new Date(days[days.length - 1]));
  const byDay = new Map(series.map((bucket) => [bucket.bucketStart.slice(0, 10), bucket]));
  let maxMicro = 0n;
  for (const day of days) {
    const bucket = byDay.get(day);
    if (bucket && BigInt(bucket.totalMicro) > maxMicro) maxMicro = BigInt(bucket.totalMicro);
  }
  const scale = verticalScale(maxMicro);
  const root = svg('svg', {
    viewBox: '0 0 ' + BOX.width + ' ' + BOX.height,
    role: 'img',
    class: 'chart-svg',
    'aria-labelledby': 'chart-svg-title',
  });
  svg('title', { id: 'chart-svg-title' }, root).textContent =
    'Daily credit usage by action kind' +
    (maxMicro === 0n ? ': no usage yet' : ', highest day ' + creditsText(maxMicro.toString()));
  drawGrid(root, scale);
  drawDays(root, days, byDay, kinds, scale);
  container.appendChild(root);
  if (kinds.length === 0)
    container.appendChild(note('muted chart-note', 'No usage yet this period.'));
}
