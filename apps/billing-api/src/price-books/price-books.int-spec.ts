import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DEFAULT_PRICE_BOOK_DOCUMENT } from '@tally/credits';
import { createPgliteEventStore, EventStore, SqlClient } from '@tally/event-store';
import { PRICE_BOOKS_STREAM } from '@tally/ledger';
import { createInProcessBus, MessageBus } from '@tally/messaging';
import { createBillingApi, signToken } from '../index';

jest.setTimeout(60_000);

const jwtSecret = `secret-${randomUUID()}`;

describe('price book routes', () => {
  let store: EventStore & { sql: SqlClient };
  let bus: MessageBus;
  let app: NestExpressApplication;
  let baseUrl: string;
  let admin: string;
  let reader: string;

  // Bodies are checked field by field.
  type Reply = { status: number; body: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  async function call(method: string, path: string, token: string, body?: unknown): Promise<Reply> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  }

  beforeAll(async () => {
    store = await createPgliteEventStore();
    bus = createInProcessBus();
    app = await createBillingApi({ store, sql: store.sql, bus, jwtSecret });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
    admin = await signToken({ workspaceId: '*', scope: 'credits:admin' }, jwtSecret, 600);
    reader = await signToken({ workspaceId: 'ws-1', scope: 'credits:read' }, jwtSecret, 600);
  });

  afterAll(async () => {
    await app.close();
    await bus.close();
    await store.close();
  });

  const book = (version: string, effectiveAt: string) => ({
    ...DEFAULT_PRICE_BOOK_DOCUMENT,
    version,
    effectiveAt,
    models: {
      ...DEFAULT_PRICE_BOOK_DOCUMENT.models,
      'new-model': { input: '0.5', output: '1.5', cachedInput: '0.05', cacheWriteInput: '0.625' },
    },
  });

  it('serves the shipped default as the book in force before anything is published', async () => {
    const { status, body } = await call('GET', '/v1/price-book', reader);
    expect(status).toBe(200);
    expect(body.current).toMatchObject({
      version: '2026-01-default',
      stepDefaultMicro: '100',
      models: { 'gpt-4o': { input: '2.5', output: '10', cachedInput: '1.25' } },
    });
    expect(body.versions).toEqual([
      expect.objectContaining({
        version: '2026-01-default',
        effectiveAt: '2000-01-01T00:00:00.000Z',
      }),
    ]);
  });

  it('publishes a book (201), replays it (200), and refuses other content under its version (409)', async () => {
    const upcoming = book('2099-01', '2099-01-01T00:00:00Z');
    const first = await call('POST', '/v1/price-books', admin, upcoming);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      version: '2099-01',
      effectiveAt: '2099-01-01T00:00:00.000Z',
      replayed: false,
    });
    const again = await call('POST', '/v1/price-books', admin, upcoming);
    expect(again).toMatchObject({ status: 200, body: { replayed: true } });
    const other = await call('POST', '/v1/price-books', admin, {
      ...upcoming,
      stepDefaultMicro: '1',
    });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({
      code: 'PRICE_BOOK_CONFLICT',
      details: { published: { stepDefaultMicro: '100' } },
    });
    const view = await call('GET', '/v1/price-book', reader);
    expect(view.body.current.version).toBe('2026-01-default');
    expect(view.body.versions.map((version: { version: string }) => version.version)).toEqual([
      '2026-01-default',
      '2099-01',
    ]);
  });

  it('refuses a retroactive or malformed book with 400, naming each bad field, and publishes nothing', async () => {
    const before = (await store.readStream(PRICE_BOOKS_STREAM)).length;
    const retroactive = await call(
      'POST',
      '/v1/price-books',
      admin,
      book('old', '2020-01-01T00:00:00Z'),
    );
    expect(retroactive).toMatchObject({ status: 400, body: { code: 'PRICE_BOOK_RETROACTIVE' } });
    const malformed = await call('POST', '/v1/price-books', admin, {
      ...book('bad', '2099-02-01T00:00:00Z'),
      stepDefaultMicro: 100,
      fallback: { input: '1' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('VALIDATION_FAILED');
    expect(malformed.body.details.map((error: { path: string }) => error.path).sort()).toEqual([
      'fallback.cachedInput',
      'fallback.output',
      'stepDefaultMicro',
    ]);
    expect((await store.readStream(PRICE_BOOKS_STREAM)).length).toBe(before);
  });

  it('lets only a credits:admin token for every workspace publish', async () => {
    const scoped = await signToken({ workspaceId: 'ws-1', scope: 'credits:admin' }, jwtSecret, 600);
    const response = await call(
      'POST',
      '/v1/price-books',
      scoped,
      book('y', '2099-04-01T00:00:00Z'),
    );
    expect(response).toMatchObject({ status: 403, body: { code: 'WORKSPACE_FORBIDDEN' } });
  });

  it('lets only credits:admin publish', async () => {
    const response = await call(
      'POST',
      '/v1/price-books',
      reader,
      book('x', '2099-03-01T00:00:00Z'),
    );
    expect(response).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE' } });
  });
});
