import { parsePriceBookDocument, PriceBookDocument, PriceBookFieldError } from '@tally/contracts';
import { DEFAULT_PRICE_BOOK_DOCUMENT, PriceBook, priceBookOf } from '@tally/credits';
import { EventStore, WrongExpectedRevisionError } from '@tally/event-store';
import { randomUUID } from 'node:crypto';

// Published price books are events of one stream (docs/pricing.md): replays and rebuilds know
// every book, and a ledger prices by the books of a known revision of this stream, which its
// append checks (WorkspaceLedger).

export const PRICE_BOOKS_STREAM = 'tally-price-books';
export const PRICE_BOOK_PUBLISHED = 'PriceBookPublished';

/** A book as stored: the validated document and when it was published. */
export interface PublishedPriceBook {
  document: PriceBookDocument;
  publishedAt: string;
}

/** Every published book in `effectiveAt` order, at one revision of the stream. */
export interface PriceBookCatalog {
  revision: bigint;
  published: PublishedPriceBook[];
  books: PriceBook[];
}

export type PublishOutcome =
  | { kind: 'published' | 'replayed'; book: PublishedPriceBook }
  | { kind: 'invalid'; errors: PriceBookFieldError[] }
  | { kind: 'conflict'; message: string; published: PublishedPriceBook }
  | { kind: 'retroactive'; message: string };

export const PRICE_BOOK_CONFLICT = 'PRICE_BOOK_CONFLICT';
export const PRICE_BOOK_RETROACTIVE = 'PRICE_BOOK_RETROACTIVE';

function byEffectiveAt(a: PublishedPriceBook, b: PublishedPriceBook): number {
  const [x, y] = [a.document.effectiveAt, b.document.effectiveAt];
  return x < y ? -1 : x > y ? 1 : 0;
}

function publishedOf(data: unknown): PublishedPriceBook {
  const { publishedAt, ...document } = data as Record<string, unknown>;
  const parsed = parsePriceBookDocument(document);
  if (!parsed.ok || typeof publishedAt !== 'string') {
    throw new Error(
      `a stored price book does not validate: ${JSON.stringify(parsed.ok ? 'publishedAt' : parsed.errors)}`,
    );
  }
  return { document: parsed.document, publishedAt };
}

async function readCatalog(store: EventStore): Promise<PriceBookCatalog | null> {
  const events = await store.readStream(PRICE_BOOKS_STREAM);
  const last = events[events.length - 1];
  if (last === undefined) return null;
  const published = events.map((event) => publishedOf(event.data)).sort(byEffectiveAt);
  return {
    revision: last.revision,
    published,
    books: published.map((book) => priceBookOf(book.document)),
  };
}

function appendBook(store: EventStore, book: PublishedPriceBook, expected: bigint | 'no_stream') {
  return store.appendToStream(
    PRICE_BOOKS_STREAM,
    [
      {
        id: randomUUID(),
        type: PRICE_BOOK_PUBLISHED,
        data: { ...book.document, publishedAt: book.publishedAt },
      },
    ],
    { expectedRevision: expected },
  );
}

/**
 * The published books; on a store that has none yet, first publishes the shipped default
 * (`2026-01-default.json`, effective since 2000), whatever the mode. Concurrent first starts
 * publish it once.
 */
export async function loadPriceBooks(
  store: EventStore,
  now: () => Date,
): Promise<PriceBookCatalog> {
  const catalog = await readCatalog(store);
  if (catalog !== null) return catalog;
  try {
    await appendBook(
      store,
      { document: DEFAULT_PRICE_BOOK_DOCUMENT, publishedAt: now().toISOString() },
      'no_stream',
    );
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
  }
  return (await readCatalog(store)) as PriceBookCatalog;
}

/** JSON with keys in one order, so two documents compare by content. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Publishes a book (design section 7): a version is immutable (the same content again is a
 * replay, other content a conflict) and takes effect no earlier than the moment it is
 * published. The stream is held exclusively meanwhile, and the clock is read once the lock is
 * held: every ledger append that priced by the older books has committed by then, so none of
 * them priced an action at or after `effectiveAt` (docs/pricing.md, *At the boundary*).
 */
export async function publishPriceBook(
  store: EventStore,
  candidate: unknown,
  now: () => Date,
): Promise<PublishOutcome> {
  const parsed = parsePriceBookDocument(candidate);
  if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors };
  const document = parsed.document;
  await loadPriceBooks(store, now);
  return await store.transaction(async (inside) => {
    await inside.lockStreams([PRICE_BOOKS_STREAM], 'exclusive');
    const catalog = (await readCatalog(inside)) as PriceBookCatalog;
    const same = catalog.published.find((book) => book.document.version === document.version);
    if (same !== undefined) {
      return canonicalJson(same.document) === canonicalJson(document)
        ? { kind: 'replayed', book: same }
        : {
            kind: 'conflict',
            message: `price book version ${document.version} is already published with other content`,
            published: same,
          };
    }
    const tie = catalog.published.find(
      (book) => book.document.effectiveAt === document.effectiveAt,
    );
    if (tie !== undefined) {
      return {
        kind: 'conflict',
        message: `price book ${tie.document.version} already takes effect at ${document.effectiveAt}: one book per instant`,
        published: tie,
      };
    }
    const publishedAt = now();
    if (document.effectiveAt < publishedAt.toISOString()) {
      return {
        kind: 'retroactive',
        message: `effectiveAt ${document.effectiveAt} is earlier than now (${publishedAt.toISOString()}): a book never reprices the past`,
      };
    }
    const book = { document, publishedAt: publishedAt.toISOString() };
    await appendBook(inside, book, catalog.revision);
    return { kind: 'published', book };
  });
}

/** The published books of one store, for the doors that read and publish them (API, ops). */
export class PriceBooks {
  constructor(
    private readonly store: EventStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  catalog(): Promise<PriceBookCatalog> {
    return loadPriceBooks(this.store, this.now);
  }

  publish(candidate: unknown): Promise<PublishOutcome> {
    return publishPriceBook(this.store, candidate, this.now);
  }

  /** The book in force now (the latest `effectiveAt` at or before now), and every version. */
  async current(): Promise<{ current: PublishedPriceBook; versions: PublishedPriceBook[] }> {
    const { published } = await this.catalog();
    const now = this.now().toISOString();
    const inForce = published.filter((book) => book.document.effectiveAt <= now);
    return {
      current: (inForce[inForce.length - 1] ?? published[0]) as PublishedPriceBook,
      versions: published,
    };
  }
}
