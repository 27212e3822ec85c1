/* global document */
// "What a credit buys" under the price book in force (GET /v1/price-book, design section 7).
// Rates are exact decimal strings in µcr per unit and are parsed with BigInt; only the count a
// credit buys, an approximation shown with "≈", goes through a float to be formatted.
import { explainReadError, readPriceBook } from './api-client.mjs';
import { dayYearFormat } from './date-format.mjs';
import { byId } from './dom.mjs';

const MICRO_PER_CREDIT = 1_000_000n;
/** A rate has at most 6 decimals (the contract), so millionths of a µcr hold it exactly. */
const RATE_SCALE = 1_000_000n;
/** The card stays small whatever the book holds: the rest is counted, not listed. */
const KINDS_SHOWN_MAX = 8;
const MODELS_SHOWN_MAX = 12;

const KIND_NOUNS = new Map([
  ['http.request', 'HTTP requests'],
  ['web.search', 'web searches'],
  ['record.create', 'records created'],
  ['record.update', 'record updates'],
  ['record.delete', 'record deletions'],
  ['record.find', 'record lookups'],
]);

/** "2.5" → 2500000n: the rate in millionths of a µcr per unit. */
function scaledRate(text) {
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole) * RATE_SCALE + BigInt(fraction.padEnd(6, '0'));
}

/** 10000 → "10,000", 400000 → "400k", 6666666.7 → "6.67M"; null when the rate is 0. */
function countPerCredit(scaled) {
  if (scaled === 0n) return null;
  // Thousandths of a unit, exactly; the float below only rounds it for reading.
  const milli = (MICRO_PER_CREDIT * RATE_SCALE * 1000n) / scaled;
  const count = Number(milli) / 1000;
  const grouped = (value) => value.toLocaleString('en-US', { maximumFractionDigits: 2 });
  if (count < 10) return count.toLocaleString('en-US', { maximumSignificantDigits: 2 });
  if (count < 100_000) return grouped(Math.round(count));
  const rounded = Number(count.toPrecision(3));
  return rounded < 1_000_000 ? grouped(rounded / 1_000) + 'k' : grouped(rounded / 1_000_000) + 'M';
}

function buysLine(scaled, noun) {
  const count = countPerCredit(scaled);
  return count === null ? noun + ': free' : '≈ ' + count + ' ' + noun;
}

// A stored book keeps no key order (PostgreSQL's jsonb): kinds and models are listed by name.
function byName(entries) {
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function actionLines(book) {
  const step = scaledRate(book.stepDefaultMicro);
  // Kinds priced like any other step are the "workflow steps" line.
  const priced = byName(Object.entries(book.kinds)).filter(([, rate]) => scaledRate(rate) !== step);
  const lines = [buysLine(step, 'workflow steps')];
  for (const [kind, rate] of priced.slice(0, KINDS_SHOWN_MAX))
    lines.push(buysLine(scaledRate(rate), KIND_NOUNS.get(kind) || kind + ' actions'));
  if (priced.length > KINDS_SHOWN_MAX)
    lines.push('and ' + (priced.length - KINDS_SHOWN_MAX) + ' more priced kinds');
  const secondOfCode =
    scaledRate(book.codeRun.baseMicro) + 1000n * scaledRate(book.codeRun.perMsMicro);
  lines.push(buysLine(secondOfCode, 'one-second code runs'));
  lines.push(buysLine(scaledRate(book.emailSend.perRecipientMicro), 'email recipients'));
  return lines;
}

function tokensLine(rates, model) {
  const part = (rate, noun) => {
    const count = countPerCredit(scaledRate(rate));
    return count === null ? noun + ' free' : count + ' ' + noun;
  };
  const line =
    '≈ ' +
    part(rates.input, (model ? model + ' ' : '') + 'input tokens') +
    ' / ' +
    part(rates.output, 'output tokens');
  return model ? line : line + ' on any other model';
}

export function modelLines(book) {
  const models = byName(Object.entries(book.models));
  const lines = models.slice(0, MODELS_SHOWN_MAX).map(([model, rates]) => tokensLine(rates, model));
  if (models.length > MODELS_SHOWN_MAX)
    lines.push('and ' + (models.length - MODELS_SHOWN_MAX) + ' more models');
  lines.push(tokensLine(book.fallback, null));
  return lines;
}

function fillList(id, lines) {
  byId(id).replaceChildren(
    ...lines.map((line) => {
      const item = document.createElement('li');
      item.textContent = line;
      return item;
    }),
  );
}

function dayText(instant) {
  return dayYearFormat.format(new Date(instant));
}

/** The book in force and the next one scheduled after it, if any. */
export function renderPriceBook({ current, versions }) {
  byId('price-book-version').textContent =
    'Price book ' + current.version + ', in force since ' + dayText(current.effectiveAt);
  fillList('buys-actions', actionLines(current));
  fillList('buys-models', modelLines(current));
  const next = versions.find((version) => version.effectiveAt > current.effectiveAt);
  const note = byId('price-book-next');
  note.textContent = next
    ? 'Price book ' + next.version + ' takes effect on ' + dayText(next.effectiveAt) + ' (UTC).'
    : '';
  note.hidden = !next;
}

/** Reads the price book once; prices change by publishing a new version, not by the minute. */
export async function loadPriceBook() {
  try {
    renderPriceBook(await readPriceBook());
  } catch (error) {
    const why =
      error.status === 401
        ? explainReadError(error)
        : 'The prices could not be loaded (' + error.message + '). Reload the page to try again.';
    fillList('buys-actions', [why]);
    fillList('buys-models', []);
  }
}
