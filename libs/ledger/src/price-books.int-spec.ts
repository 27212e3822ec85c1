import { randomUUID } from 'node:crypto';
import { DEFAULT_PRICE_BOOK_DOCUMENT, WorkspaceCommand } from '@tally/credits';
import {
  createPgliteEventStore,
  createPostgresEventStore,
  EventStore,
  SqlClient,
} from '@tally/event-store';
import {
  CommandOutcome,
  KeyedCommand,
  loadPriceBooks,
  PRICE_BOOKS_STREAM,
  publishPriceBook,
  WorkspaceLedger,
} from '@tally/ledger';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';

const clock = () => new Date();

function bookEffectiveAt(version: string, effectiveAt: Date, webSearchMicro: string) {
  return {
    ...DEFAULT_PRICE_BOOK_DOCUMENT,
    version,
    effectiveAt: effectiveAt.toISOString(),
    kinds: { ...DEFAULT_PRICE_BOOK_DOCUMENT.kinds, 'web.search': webSearchMicro },
  };
}

function keyed(command: WorkspaceCommand): KeyedCommand {
  return { command, idempotencyKey: `${command.workspaceId}/${command.type}/${command.commandId}` };
}

function openPeriod(workspaceId: string): KeyedCommand {
  const at = '2026-11-01T00:00:00.000Z';
  return keyed({
    type: 'OpenPeriod',
    commandId: randomUUID(),
    workspaceId,
    occurredAt: at,
    processedAt: at,
    cycle: 'monthly',
    periodStart: at,
    periodEnd: '2026-12-01T00:00:00.000Z',
  });
}

function search(workspaceId: string, occurredAt: string): KeyedCommand {
  return keyed({
    type: 'DebitAction',
    commandId: randomUUID(),
    workspaceId,
    occurredAt,
    processedAt: new Date().toISOString(),
    source: 'workflow',
    action: { kind: 'web.search' },
  });
}

function pricedBy(outcome: CommandOutcome | undefined): { version: string; amount: bigint } {
  if (outcome?.kind !== 'applied') throw new Error(`not applied: ${JSON.stringify(outcome)}`);
  const debited = outcome.events.find((event) => event.type === 'CreditDebited');
  if (debited?.type !== 'CreditDebited') throw new Error('no debit');
  return { version: debited.data.priceBookVersion, amount: debited.data.amountMicro };
}

function publishingSuite(
  name: string,
  open: () => Promise<EventStore & { sql: SqlClient; close(): Promise<void> }>,
) {
  describe(`price books (${name})`, () => {
    let store: EventStore & { sql: SqlClient; close(): Promise<void> };

    beforeAll(async () => {
      store = await open();
    }, 60_000);
    afterAll(async () => {
      await store.close();
    });

    it('publishes the shipped default once when the store has no book', async () => {
      const [a, b] = await Promise.all([
        loadPriceBooks(store, clock),
        loadPriceBooks(store, clock),
      ]);
      expect(a.revision).toBe(0n);
      expect(b.published.map((book) => book.document.version)).toEqual(['2026-01-default']);
      expect((await store.readStream(PRICE_BOOKS_STREAM)).length).toBe(1);
    });

    it('refuses malformed, retroactive and conflicting books, publishing nothing', async () => {
      const before = (await store.readStream(PRICE_BOOKS_STREAM)).length;
      const malformed = await publishPriceBook(store, { version: 'x', kinds: [] }, clock);
      expect(malformed.kind).toBe('invalid');
      const past = bookEffectiveAt('past-1', new Date(Date.now() - 1_000), '20000');
      expect((await publishPriceBook(store, past, clock)).kind).toBe('retroactive');
      const future = bookEffectiveAt('future-1', new Date(Date.now() + 3_600_000), '20000');
      expect((await publishPriceBook(store, future, clock)).kind).toBe('published');
      expect((await publishPriceBook(store, future, clock)).kind).toBe('replayed');
      const other = { ...future, stepDefaultMicro: '101' };
      expect(await publishPriceBook(store, other, clock)).toMatchObject({ kind: 'conflict' });
      // Two books may not take effect at the same instant: one of them would never apply.
      const tie = { ...future, version: 'future-tie' };
      expect(await publishPriceBook(store, tie, clock)).toMatchObject({ kind: 'conflict' });
      expect((await store.readStream(PRICE_BOOKS_STREAM)).length).toBe(before + 1);
    });

    it('prices by a book published while the ledgers run, from its effectiveAt, with no restart', async () => {
      const ledgers = [
        new WorkspaceLedger(store, store.sql),
        new WorkspaceLedger(store, store.sql),
      ];
      const workspaceId = randomUUID();
      await ledgers[0]!.execute([openPeriod(workspaceId)]);
      // Both ledgers have read the books before the new one is published.
      for (const ledger of ledgers) {
        const [outcome] = await ledger.execute([search(workspaceId, '2026-11-02T00:00:00.000Z')]);
        expect(pricedBy(outcome).amount).toBe(10_000n);
      }
      const effectiveAt = new Date(Date.now() + 1_000);
      const book = bookEffectiveAt(`live-${randomUUID()}`, effectiveAt, '12345');
      expect((await publishPriceBook(store, book, clock)).kind).toBe('published');
      const justBefore = new Date(effectiveAt.getTime() - 1).toISOString();
      for (const ledger of ledgers) {
        const [before, at] = await ledger.execute([
          search(workspaceId, justBefore),
          search(workspaceId, effectiveAt.toISOString()),
        ]);
        expect(pricedBy(before).amount).toBe(10_000n);
        expect(pricedBy(at)).toEqual({ version: book.version, amount: 12_345n });
      }
    });
  });
}

publishingSuite('embedded PGlite', () => createPgliteEventStore());

describe('price books under concurrent ledgers and a publisher (PostgreSQL)', () => {
  let database: TestDatabase;
  let store: EventStore & { sql: SqlClient; close(): Promise<void> };

  beforeAll(async () => {
    database = await createTestDatabase('tally_price_books');
    store = await createPostgresEventStore({ connectionString: database.connectionString });
  }, 60_000);
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  publishingSuite('PostgreSQL', () =>
    createPostgresEventStore({ connectionString: database.connectionString }),
  );

  it('never prices an action at or after effectiveAt by an older book, whichever ledger takes it', async () => {
    const ledgers = [new WorkspaceLedger(store, store.sql), new WorkspaceLedger(store, store.sql)];
    const workspaces = [randomUUID(), randomUUID()];
    await ledgers[0]!.execute(workspaces.map(openPeriod));
    const effectiveAt = new Date(Date.now() + 150);
    const version = `race-${randomUUID()}`;
    const results: { occurredAt: string; version: string }[] = [];
    const until = effectiveAt.getTime() + 300;
    const publishing = publishPriceBook(store, bookEffectiveAt(version, effectiveAt, '777'), clock);
    await Promise.all(
      ledgers.map(async (ledger, index) => {
        while (Date.now() < until) {
          // occurredAt is read right before the ledger takes the action, as a producer would.
          const command = search(workspaces[index]!, new Date().toISOString());
          const [outcome] = await ledger.execute([command]);
          results.push({
            occurredAt: command.command.occurredAt,
            version: pricedBy(outcome).version,
          });
        }
      }),
    );
    expect((await publishing).kind).toBe('published');
    const late = results.filter((result) => result.occurredAt >= effectiveAt.toISOString());
    const early = results.filter((result) => result.occurredAt < effectiveAt.toISOString());
    expect(late.length).toBeGreaterThan(0);
    expect(early.length).toBeGreaterThan(0);
    expect(late.filter((result) => result.version !== version)).toEqual([]);
    expect(early.filter((result) => result.version === version)).toEqual([]);
  }, 60_000);
});
