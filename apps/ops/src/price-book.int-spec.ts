import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PRICE_BOOK_DOCUMENT } from '@tally/credits';
import { createPostgresEventStore, EventStore, SqlClient } from '@tally/event-store';
import { PriceBooks } from '@tally/ledger';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';
import { priceBookPublishCommand, priceBookShowCommand } from './commands/price-book.command';
import type { OpsContext } from './ops-context';
import { opsProgram } from './ops.program';

jest.setTimeout(60_000);

const hourMs = 3_600_000;

describe('price-book publish and show over PostgreSQL', () => {
  let database: TestDatabase;
  let store: EventStore & { sql: SqlClient };
  let folder: string;
  let clock: Date;
  let lines: string[];
  let errors: string[];
  let context: OpsContext;

  /**
   * The default book under another version, effective `afterMs` from the clock, with
   * claude-sonnet-4's cache-write and long-context rates.
   */
  function book(version: string, afterMs: number, changes: object = {}): object {
    return {
      ...DEFAULT_PRICE_BOOK_DOCUMENT,
      models: {
        ...DEFAULT_PRICE_BOOK_DOCUMENT.models,
        'claude-sonnet-4': {
          input: '3',
          output: '15',
          cachedInput: '0.3',
          cacheWriteInput: '3.75',
          longContext: {
            aboveInputTokens: 200_000,
            input: '6',
            output: '22.5',
            cachedInput: '0.6',
            cacheWriteInput: '7.5',
          },
        },
      },
      version,
      effectiveAt: new Date(clock.getTime() + afterMs).toISOString(),
      ...changes,
    };
  }

  function fileOf(name: string, content: unknown): string {
    const file = join(folder, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return file;
  }

  beforeAll(async () => {
    database = await createTestDatabase('tally_ops_price_book');
    store = await createPostgresEventStore({ connectionString: database.connectionString });
    folder = mkdtempSync(join(tmpdir(), 'tally-price-book-'));
    clock = new Date(Date.UTC(2030, 0, 1));
  });

  beforeEach(() => {
    lines = [];
    errors = [];
    context = {
      store,
      sql: store.sql,
      out: (line) => lines.push(line),
      err: (text) => errors.push(text),
      now: () => clock,
    };
  });

  afterAll(async () => {
    await store.close();
    await database.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('shows the shipped default on a fresh store: its rates in a table and the one version', async () => {
    expect(await priceBookShowCommand(context)).toBe(0);
    expect(lines[0]).toMatch(
      /^in force: price book 2026-01-default \(effective 2000-01-01T00:00:00\.000Z, published \S+\)$/,
    );
    const row = (first: string): string[] | undefined =>
      lines.find((line) => line.startsWith(`${first} `))?.split(/\s{2,}/);
    expect(row('http.request')).toEqual(['http.request', '1000 per action']);
    expect(row('web.search')).toEqual(['web.search', '10000 per action']);
    expect(row('any other workflow step')).toEqual(['any other workflow step', '100 per action']);
    expect(row('code.run')).toEqual(['code.run', '100 + 0.1 per ms']);
    expect(row('email.send')).toEqual(['email.send', '300 per recipient']);
    expect(row('gpt-4o')).toEqual(['gpt-4o', '2.5', '10', '1.25', '2.5 (input)']);
    expect(row('fallback (any other model)')).toEqual([
      'fallback (any other model)',
      '15',
      '75',
      '1.5',
      '15 (input)',
    ]);
    expect(lines.slice(lines.indexOf('versions (1):') + 2)).toEqual([
      expect.stringMatching(/^2026-01-default {2}2000-01-01T00:00:00\.000Z {2}\S+ {2}in force$/),
    ]);
  });

  it('publishes a book from a file once: the same file again is a replay, other content under its version a conflict', async () => {
    const file = fileOf('2030-02.json', book('2030-02', hourMs));
    expect(await priceBookPublishCommand(context, file)).toBe(0);
    expect(lines).toEqual([
      'published price book 2030-02 (effective 2030-01-01T01:00:00.000Z, published 2030-01-01T00:00:00.000Z)',
    ]);
    lines = [];
    expect(await priceBookPublishCommand(context, file)).toBe(0);
    expect(lines).toEqual([
      expect.stringMatching(/^already published: price book 2030-02 .*; nothing changed$/),
    ]);
    lines = [];
    const changed = fileOf(
      '2030-02-changed.json',
      book('2030-02', hourMs, { stepDefaultMicro: '200' }),
    );
    expect(await priceBookPublishCommand(context, changed)).toBe(1);
    expect(lines).toEqual([
      'conflict: price book version 2030-02 is already published with other content (published 2030-01-01T00:00:00.000Z); publish the change under a new version',
    ]);
  });

  it('refuses a malformed book with each bad field on its own line, and a retroactive one, publishing neither', async () => {
    const malformed = fileOf(
      'bad.json',
      book('2030-03', hourMs, {
        stepDefaultMicro: 100,
        kinds: { 'http.request': '0.0000001' },
        surprise: true,
      }),
    );
    expect(await priceBookPublishCommand(context, malformed)).toBe(1);
    expect(lines[0]).toBe(
      `refused: ${malformed} is not a valid price book (3 bad field(s)); nothing published`,
    );
    expect(lines.slice(1).sort()).toEqual([
      expect.stringMatching(/^ {2}kinds\.http\.request: must be a decimal string/),
      '  stepDefaultMicro: must be a decimal string from 0 to 999999999.999999 with at most 6 decimals',
      '  surprise: is not a field of a price book',
    ]);
    lines = [];
    expect(await priceBookPublishCommand(context, fileOf('past.json', book('2030-04', -1)))).toBe(
      1,
    );
    expect(lines).toEqual([
      expect.stringMatching(
        /^retroactive: effectiveAt 2029-12-31T23:59:59\.999Z is earlier than now .*; nothing published$/,
      ),
    ]);
    const { published } = await new PriceBooks(store).catalog();
    expect(published.map((entry) => entry.document.version)).toEqual([
      '2026-01-default',
      '2030-02',
    ]);
  });

  it('says in one line why a file is not read, and exits 2', async () => {
    const missing = join(folder, 'missing.json');
    expect(await priceBookPublishCommand(context, missing)).toBe(2);
    expect(await priceBookPublishCommand(context, fileOf('broken.json', '{"version": '))).toBe(2);
    expect(errors).toEqual([
      expect.stringMatching(/^cannot read .*missing\.json: ENOENT.*\n$/),
      expect.stringMatching(/^.*broken\.json is not JSON: .*\n$/),
    ]);
    expect(lines).toEqual([]);
  });

  it('publishes a book once when two operators publish the same file at the same time', async () => {
    const file = fileOf('2030-05.json', book('2030-05', 2 * hourMs));
    const codes = await Promise.all([
      priceBookPublishCommand(context, file),
      priceBookPublishCommand(context, file),
    ]);
    expect(codes).toEqual([0, 0]);
    expect(lines.map((line) => line.split(' ')[0]).sort()).toEqual(['already', 'published']);
  });

  it('shows the newer book once it is in force, and which versions are superseded or scheduled', async () => {
    clock = new Date(clock.getTime() + hourMs);
    try {
      expect(await priceBookShowCommand(context)).toBe(0);
    } finally {
      clock = new Date(clock.getTime() - hourMs);
    }
    expect(lines[0]).toMatch(/^in force: price book 2030-02 /);
    const sonnet = lines.findIndex((line) => line.startsWith('claude-sonnet-4 '));
    expect(lines.slice(sonnet, sonnet + 2).map((line) => line.trim().split(/\s{2,}/))).toEqual([
      ['claude-sonnet-4', '3', '15', '0.3', '3.75'],
      ['longContext > 200000 tokens', '6', '22.5', '0.6', '7.5'],
    ]);
    const versions = lines.slice(lines.indexOf('versions (3):') + 2);
    expect(versions.map((line) => [line.split(' ')[0], line.split(' ').pop()])).toEqual([
      ['2026-01-default', 'superseded'],
      ['2030-02', 'force'],
      ['2030-05', 'scheduled'],
    ]);
  });

  it('is reachable as `price-book publish <file>` and `price-book show`, exit code and all', async () => {
    const codes: number[] = [];
    const run = (...args: string[]): Promise<unknown> =>
      opsProgram(
        async () => ({ ...context, close: async () => undefined }),
        (code) => codes.push(code),
      ).parseAsync(args, { from: 'user' });
    await run('price-book', 'publish', join(folder, 'none.json'));
    await run('price-book', 'show');
    expect(codes).toEqual([2, 0]);
    expect(lines[0]).toMatch(/^in force: price book 2026-01-default /);
  });
});
