import { readFile, stat } from 'node:fs/promises';
import type { ModelRatesDocument, PriceBookDocument, TokenRatesDocument } from '@tally/contracts';
import { PriceBooks, PublishedPriceBook, PublishOutcome } from '@tally/ledger';
import type { ExitCode, OpsContext } from '../ops-context';

// `price-book publish <file>` and `price-book show` (design section 7): the same books as
// GET /v1/price-book and POST /v1/price-books, through the same PriceBooks.

/** The largest price book file read; the API takes no larger body (BODY_SIZE_MAX_BYTES). */
export const PRICE_BOOK_FILE_BYTES_MAX = 2 * 1024 * 1024;

function clockOf(context: OpsContext): () => Date {
  return context.now ?? (() => new Date());
}

/** The file as JSON, or the one line saying why it is not. */
async function readJsonFile(file: string): Promise<{ json: unknown } | { problem: string }> {
  let text: string;
  try {
    const { size } = await stat(file);
    if (size > PRICE_BOOK_FILE_BYTES_MAX)
      return {
        problem: `${file} is ${size} bytes; a price book file is at most ${PRICE_BOOK_FILE_BYTES_MAX}`,
      };
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { problem: `cannot read ${file}: ${(error as Error).message}` };
  }
  try {
    // A byte-order mark some editors write is not part of the JSON.
    return { json: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown };
  } catch (error) {
    return { problem: `${file} is not JSON: ${(error as Error).message}` };
  }
}

function bookLine(book: PublishedPriceBook): string {
  return `price book ${book.document.version} (effective ${book.document.effectiveAt}, published ${book.publishedAt})`;
}

/** One line per outcome (a line per bad field for a refusal); 0 when the book is published. */
function reportOutcome(context: OpsContext, file: string, outcome: PublishOutcome): ExitCode {
  switch (outcome.kind) {
    case 'published':
      context.out(`published ${bookLine(outcome.book)}`);
      return 0;
    case 'replayed':
      context.out(`already published: ${bookLine(outcome.book)} has this content; nothing changed`);
      return 0;
    case 'invalid':
      context.out(
        `refused: ${file} is not a valid price book (${outcome.errors.length} bad field(s)); nothing published`,
      );
      for (const error of outcome.errors)
        context.out(`  ${error.field || '(the document)'}: ${error.message}`);
      return 1;
    case 'conflict':
      context.out(
        `conflict: ${outcome.message} (published ${outcome.published.publishedAt}); publish the change under a new version`,
      );
      return 1;
    case 'retroactive':
      context.out(`retroactive: ${outcome.message}; nothing published`);
      return 1;
    default: {
      const never: never = outcome;
      throw new Error(`assertion failed: unknown publish outcome ${JSON.stringify(never)}`);
    }
  }
}

/** `price-book publish <file>`: 0 published or replayed, 1 refused, 2 an unreadable file. */
export async function priceBookPublishCommand(
  context: OpsContext,
  file: string,
): Promise<ExitCode> {
  const read = await readJsonFile(file);
  if ('problem' in read) {
    context.err(`${read.problem}\n`);
    return 2;
  }
  const outcome = await new PriceBooks(context.store, clockOf(context)).publish(read.json);
  return reportOutcome(context, file, outcome);
}

/** Rows as columns padded to their widest cell, two spaces apart. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((text, column) => (widths[column] = Math.max(widths[column] ?? 0, text.length)));
  return rows.map((row) =>
    row
      .map((text, column) => text.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

function tokenRateCells(rates: TokenRatesDocument): string[] {
  return [
    rates.input,
    rates.output,
    rates.cachedInput,
    rates.cacheWriteInput ?? `${rates.input} (input)`,
  ];
}

function modelRows(name: string, rates: ModelRatesDocument): string[][] {
  const rows = [[name, ...tokenRateCells(rates)]];
  const { longContext } = rates;
  if (longContext !== undefined)
    rows.push([
      `  longContext > ${longContext.aboveInputTokens} tokens`,
      ...tokenRateCells(longContext),
    ]);
  return rows;
}

function actionRateLines(book: PriceBookDocument): string[] {
  const kinds = Object.keys(book.kinds).sort();
  return table([
    ['action kind', 'µcr'],
    ...kinds.map((kind) => [kind, `${book.kinds[kind]} per action`]),
    ['any other workflow step', `${book.stepDefaultMicro} per action`],
    ['code.run', `${book.codeRun.baseMicro} + ${book.codeRun.perMsMicro} per ms`],
    ['email.send', `${book.emailSend.perRecipientMicro} per recipient`],
  ]);
}

function modelRateLines(book: PriceBookDocument): string[] {
  const models = Object.keys(book.models).sort();
  return table([
    [
      'model (µcr per token = USD per 1M tokens)',
      'input',
      'output',
      'cachedInput',
      'cacheWriteInput',
    ],
    ...models.flatMap((model) => modelRows(model, book.models[model] as ModelRatesDocument)),
    ...modelRows('fallback (any other model)', book.fallback),
  ]);
}

function versionLines(
  versions: readonly PublishedPriceBook[],
  current: PublishedPriceBook,
  now: string,
): string[] {
  const stateOf = (book: PublishedPriceBook): string =>
    book === current ? 'in force' : book.document.effectiveAt > now ? 'scheduled' : 'superseded';
  return table([
    ['version', 'effectiveAt', 'publishedAt', ''],
    ...versions.map((book) => [
      book.document.version,
      book.document.effectiveAt,
      book.publishedAt,
      stateOf(book),
    ]),
  ]);
}

/** `price-book show`: the book in force now, its rates, and every published version. */
export async function priceBookShowCommand(context: OpsContext): Promise<ExitCode> {
  const now = clockOf(context);
  const { current, versions } = await new PriceBooks(context.store, now).current();
  const book = current.document;
  const lines = [
    `in force: ${bookLine(current)}`,
    '',
    ...actionRateLines(book),
    '',
    ...modelRateLines(book),
    '',
    `versions (${versions.length}):`,
    ...versionLines(versions, current, now().toISOString()),
  ];
  for (const line of lines) context.out(line);
  return 0;
}
