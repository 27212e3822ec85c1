import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createPostgresEventStore, EventStore, SqlClient } from '@tally/event-store';
import { WorkspaceLedger, workspaceStreamName } from '@tally/ledger';
import { createKafkaBus, MessageBus } from '@tally/messaging';
import { Projector } from '@tally/projections';
import { appendBurst } from '../../../libs/projections/test/credit-burst';
import { replayWorkspace } from '../../../libs/projections/test/replay-views';
import { kafkaBrokers, uniqueName } from '../../../test/support/kafka';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';
import { createBillingApi, signToken } from './index';

jest.setTimeout(60_000);

const jwtSecret = `secret-${randomUUID()}`;

function tokenFor(workspaceId: string, scope: string, secret = jwtSecret): Promise<string> {
  return signToken({ workspaceId, scope }, secret, 600);
}

describe('billing API over the real stack', () => {
  let database: TestDatabase;
  let store: EventStore & { sql: SqlClient };
  let bus: MessageBus;
  let projector: Projector;
  let app: NestExpressApplication;
  let baseUrl: string;
  const topics = {
    actionExecuted: uniqueName('api-actions'),
    subscription: uniqueName('api-subscription'),
  };
  const workspaceA = `ws-${randomUUID()}`;
  const workspaceB = `ws-${randomUUID()}`;

  async function call(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
  Promise<{ status: number; body: any }> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text.length > 0 && text.startsWith('{') ? JSON.parse(text) : text,
    };
  }

  beforeAll(async () => {
    database = await createTestDatabase('tally_api');
    store = await createPostgresEventStore({ connectionString: database.connectionString });
    bus = createKafkaBus({ brokers: kafkaBrokers(), clientId: 'billing-api-test' });
    await bus.ensureTopics(
      [topics.actionExecuted, topics.subscription].map((name) => ({ name, partitions: 2 })),
    );
    projector = new Projector(store, store.sql);
    await projector.start();
    app = await createBillingApi({ store, sql: store.sql, bus, jwtSecret, topics });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
    await appendBurst(new WorkspaceLedger(store, store.sql), [workspaceA, workspaceB], 20);
    await projector.waitFor(await store.lastCommittedPosition(), 30_000);
  });

  afterAll(async () => {
    await app.close();
    await projector.stop();
    await bus.close();
    await store.close();
    await database.drop();
  });

  it('serves the balance, usage, rollover and ledger views in agreement with a replay of the events', async () => {
    const token = await tokenFor(workspaceA, 'credits:read');
    const replayed = await replayWorkspace(store, workspaceA);
    const balance = await call('GET', `/v1/workspaces/${workspaceA}/credits`, token);
    expect(balance.status).toBe(200);
    expect(balance.body).toEqual({ ...replayed.balance, forecast: expect.any(Object) });

    const usage = await call(
      'GET',
      `/v1/workspaces/${workspaceA}/credits/usage?from=2026-01-01&to=2026-03-01&bucket=day`,
      token,
    );
    expect(usage.status).toBe(200);
    const total = usage.body.series.reduce(
      (sum: bigint, bucket: { totalMicro: string }) => sum + BigInt(bucket.totalMicro),
      0n,
    );
    expect(total).toBe(
      [...replayed.usage.values()].reduce((sum, bucket) => sum + bucket.totalMicro, 0n),
    );

    const rollover = await call('GET', `/v1/workspaces/${workspaceA}/credits/rollover`, token);
    expect(rollover.body.periods).toHaveLength(replayed.closes.length);
    expect(rollover.body.periods[0].rolledOverMicro).toBe(
      replayed.closes[0]?.rolledOverMicro.toString(),
    );

    const ledger = await call('GET', `/v1/workspaces/${workspaceA}/credits/ledger?limit=5`, token);
    expect(ledger.body.entries).toHaveLength(5);
    const next = await call(
      'GET',
      `/v1/workspaces/${workspaceA}/credits/ledger?limit=5&cursor=${ledger.body.nextCursor}`,
      token,
    );
    expect(BigInt(next.body.entries[0].revision)).toBeLessThan(
      BigInt(ledger.body.entries[4].revision),
    );
  });

  it('answers the credits check from the live balance', async () => {
    const token = await tokenFor(workspaceA, 'credits:read');
    const check = await call('POST', `/v1/workspaces/${workspaceA}/credits/check`, token, {});
    expect(check.status).toBe(200);
    expect(check.body).toEqual({
      allowed: true,
      status: expect.any(String),
      totalAvailableMicro: expect.stringMatching(/^\d+$/),
    });
    const tooMuch = await call('POST', `/v1/workspaces/${workspaceA}/credits/check`, token, {
      requiredMicro: '999999999999999',
    });
    expect(tooMuch.body.allowed).toBe(false);
    const unknown = await call(
      'POST',
      `/v1/workspaces/ws-${randomUUID()}/credits/check`,
      await tokenFor('*', 'credits:read'),
      {},
    );
    expect(unknown.body).toEqual({ allowed: false, status: 'no_plan', totalAvailableMicro: '0' });
  });

  it('refuses a token for workspace A reading workspace B with 403', async () => {
    const response = await call(
      'GET',
      `/v1/workspaces/${workspaceB}/credits`,
      await tokenFor(workspaceA, 'credits:read'),
    );
    expect(response.status).toBe(403);
    expect(response.body).toEqual({
      code: 'WORKSPACE_FORBIDDEN',
      message: expect.any(String),
      details: null,
    });
  });

  it('refuses a request without a token, or with a forged or expired one, with 401', async () => {
    expect((await call('GET', `/v1/workspaces/${workspaceA}/credits`)).status).toBe(401);
    expect(
      (
        await call(
          'GET',
          `/v1/workspaces/${workspaceA}/credits`,
          await tokenFor(workspaceA, 'credits:read', 'another-secret-xxxxxx'),
        )
      ).status,
    ).toBe(401);
    const expired = await signToken(
      { workspaceId: workspaceA, scope: 'credits:read' },
      jwtSecret,
      60,
      new Date(1_000),
    );
    const response = await call('GET', `/v1/workspaces/${workspaceA}/credits`, expired);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('UNAUTHENTICATED');
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ workspaceId: '*', scope: 'credits:read' })).toString('base64url')}.`;
    expect((await call('GET', `/v1/workspaces/${workspaceA}/credits`, unsigned)).status).toBe(401);
  });

  it('refuses a credits:read token buying a pack with 403', async () => {
    const response = await call(
      'POST',
      `/v1/workspaces/${workspaceA}/credit-packs`,
      await tokenFor(workspaceA, 'credits:read'),
      { credits: '10', paymentRef: 'p-1' },
    );
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('INSUFFICIENT_SCOPE');
  });

  it('answers an SQL-injection-shaped id with 400, never 500', async () => {
    const token = await tokenFor('*', 'credits:read credits:purchase');
    for (const id of ["x'%20OR%201=1--", 'a;DROP%20TABLE%20balances', '%27%3B--', '*']) {
      const response = await call('GET', `/v1/workspaces/${id}/credits`, token);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('INVALID_WORKSPACE_ID');
    }
  });

  it('answers a bad body with 400 and the error body, naming the field', async () => {
    const token = await tokenFor(workspaceA, 'credits:purchase credits:admin');
    const unknownField = await call('POST', `/v1/workspaces/${workspaceA}/credit-packs`, token, {
      credits: '10',
      paymentRef: 'p',
      extra: 1,
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body).toEqual({
      code: 'VALIDATION_FAILED',
      message: expect.any(String),
      details: expect.any(Array),
    });
    const wrongSize = await call('POST', `/v1/workspaces/${workspaceA}/credit-packs`, token, {
      credits: '7',
      paymentRef: 'p',
    });
    expect(wrongSize.body.code).toBe('INVALID_PACK_SIZE');
    const malformed = await call(
      'POST',
      `/v1/workspaces/${workspaceA}/credit-grants`,
      token,
      '{"grantType":',
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('MALFORMED_JSON');
    // Valid JSON that is not an object or array is a body of the wrong shape, not bad JSON.
    for (const scalar of ['null', '42', '"text"', 'true']) {
      const answer = await call(
        'POST',
        `/v1/workspaces/${workspaceA}/credit-grants`,
        token,
        scalar,
      );
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        code: 'VALIDATION_FAILED',
        message: 'the request body must be a JSON object',
        details: [{ path: 'body', messages: ['the request body must be a JSON object'] }],
      });
    }
    const badGrant = await call('POST', `/v1/workspaces/${workspaceA}/credit-grants`, token, {
      grantType: 'gift',
      credits: '-1',
      reference: 'r',
    });
    expect(badGrant.status).toBe(400);
    expect(badGrant.body.details.map((issue: { path: string }) => issue.path).sort()).toEqual([
      'credits',
      'grantType',
    ]);
    // Too large is refused naming the largest amount allowed.
    const hugeGrant = await call('POST', `/v1/workspaces/${workspaceA}/credit-grants`, token, {
      grantType: 'compensation',
      credits: '1000000000',
      reference: 'r',
    });
    expect(hugeGrant.body.details).toEqual([
      { path: 'credits', messages: [expect.stringContaining('at most 999999999.999999')] },
    ]);
  });

  it('refuses an unknown query parameter on every API route, naming it', async () => {
    const token = await tokenFor(workspaceA, 'credits:read');
    const balance = await call('GET', `/v1/workspaces/${workspaceA}/credits?limt=5`, token);
    expect(balance).toMatchObject({
      status: 400,
      body: {
        code: 'VALIDATION_FAILED',
        details: [{ path: 'limt', messages: ['not a query parameter of this route'] }],
      },
    });
    const usage = await call('GET', `/v1/workspaces/${workspaceA}/credits/usage?form=x`, token);
    expect(usage).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const known = await call('GET', `/v1/workspaces/${workspaceA}/credits/ledger?limit=5`, token);
    expect(known.status).toBe(200);
    // An integer is written in decimal digits: Number() alone would read these as 16 and 1.
    for (const limit of ['0x10', '%201', '1e1']) {
      const odd = await call(
        'GET',
        `/v1/workspaces/${workspaceA}/credits/ledger?limit=${limit}`,
        token,
      );
      expect({ limit, status: odd.status }).toEqual({ limit, status: 400 });
    }
  });

  it('credits a pack once: 201 first, 200 with no second credit when replayed', async () => {
    const token = await tokenFor(workspaceB, 'credits:purchase credits:read');
    const paymentRef = `pay-${randomUUID()}`;
    const first = await call('POST', `/v1/workspaces/${workspaceB}/credit-packs`, token, {
      credits: '50',
      paymentRef,
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ creditsMicro: '50000000', replayed: false });
    const again = await call('POST', `/v1/workspaces/${workspaceB}/credit-packs`, token, {
      credits: '50',
      paymentRef,
    });
    expect(again.status).toBe(200);
    expect(again.body.replayed).toBe(true);
    await projector.waitFor(await store.lastCommittedPosition(), 10_000);
    const replayed = await replayWorkspace(store, workspaceB);
    const packs = (await store.readStream(workspaceStreamName(workspaceB))).filter(
      (event) => event.type === 'CreditPackAdded',
    );
    expect(
      packs.filter((event) => (event.data as { paymentRef: string }).paymentRef === paymentRef),
    ).toHaveLength(1);
    expect((await call('GET', `/v1/workspaces/${workspaceB}/credits`, token)).body).toEqual({
      ...replayed.balance,
      forecast: expect.any(Object),
    });
  });

  it('grants credits once by reference (credits:admin), 201 then 200', async () => {
    const token = await tokenFor('*', 'credits:admin');
    const body = {
      grantType: 'onboarding',
      credits: '2.5',
      reference: `ref-${randomUUID()}`,
      expiresAt: '2027-01-01T00:00:00Z',
    };
    const first = await call('POST', `/v1/workspaces/${workspaceA}/credit-grants`, token, body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      creditsMicro: '2500000',
      expiresAt: '2027-01-01T00:00:00.000Z',
    });
    expect(
      (await call('POST', `/v1/workspaces/${workspaceA}/credit-grants`, token, body)).status,
    ).toBe(200);
  });

  it('publishes valid envelopes to their topic and reports each refused one by index', async () => {
    const token = await tokenFor(workspaceA, 'events:write');
    const action = {
      eventId: randomUUID(),
      type: 'ActionExecuted',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      workspaceId: workspaceA,
      source: 'workflow',
      action: { kind: 'http.request' },
    };
    const response = await call('POST', '/v1/events', token, [
      action,
      { ...action, schemaVersion: 9 },
      { ...action, workspaceId: workspaceB },
    ]);
    expect(response.status).toBe(202);
    expect(response.body.accepted).toBe(1);
    expect(
      response.body.rejected.map((item: { index: number; code: string }) => [
        item.index,
        item.code,
      ]),
    ).toEqual([
      [1, 'UNSUPPORTED_SCHEMA_VERSION'],
      [2, 'WORKSPACE_FORBIDDEN'],
    ]);
    const received = await new Promise<string>((resolve) => {
      const consumer = bus.createConsumer({
        groupId: uniqueName('api-events'),
        topics: [topics.actionExecuted],
        fromBeginning: true,
        handleBatch: async (batch) => {
          const value = batch.messages[0]?.value?.toString('utf8');
          if (value) resolve(value);
        },
      });
      void consumer.start();
      afterAllConsumers.push(consumer);
    });
    expect(JSON.parse(received)).toEqual(action);
    const tooMany = await call(
      'POST',
      '/v1/events',
      token,
      Array.from({ length: 1001 }, () => action),
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.code).toBe('TOO_MANY_EVENTS');
    // An empty body is no body, whether or not it claims to be JSON.
    const contentTypes: Record<string, string>[] = [{}, { 'content-type': 'application/json' }];
    for (const headers of contentTypes) {
      const empty = await fetch(`${baseUrl}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, ...headers },
        body: '',
      });
      expect(empty.status).toBe(400);
      expect(((await empty.json()) as { code: string }).code).toBe('VALIDATION_FAILED');
    }
  });

  it('pushes the balance over server-sent events, then again when it changes', async () => {
    const token = await tokenFor(workspaceA, 'credits:read credits:purchase');
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/v1/workspaces/${workspaceA}/credits/stream`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const balances: { purchasedMicro: string }[] = [];
    let buffer = '';
    const nextBalance = async (): Promise<{ purchasedMicro: string }> => {
      for (;;) {
        const separator = buffer.indexOf('\n\n');
        if (separator >= 0) {
          const frame = buffer.slice(0, separator);
          buffer = buffer.slice(separator + 2);
          const data = frame.split('\n').find((line) => line.startsWith('data: '));
          if (frame.includes('event: balance') && data) return JSON.parse(data.slice(6));
          continue;
        }
        const chunk = await reader.read();
        buffer += new TextDecoder().decode(chunk.value);
      }
    };
    balances.push(await nextBalance());
    await call('POST', `/v1/workspaces/${workspaceA}/credit-packs`, token, {
      credits: '10',
      paymentRef: `pay-${randomUUID()}`,
    });
    balances.push(await nextBalance());
    controller.abort();
    expect(
      BigInt(balances[1]?.purchasedMicro ?? '0') - BigInt(balances[0]?.purchasedMicro ?? '0'),
    ).toBe(10_000_000n);
  });

  it('serves health, Prometheus metrics and the OpenAPI document without a token', async () => {
    expect((await call('GET', '/health')).body).toMatchObject({
      status: 'ok',
      failed: [],
      database: 'ok',
      projector: { status: 'ok' },
      heldWorkspaces: [],
    });
    const metrics = await call('GET', '/metrics');
    expect(metrics.body).toContain('tally_api_requests_total');
    expect((await fetch(`${baseUrl}/docs-json`)).status).toBe(200);
  });

  const afterAllConsumers: { stop(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const consumer of afterAllConsumers) await consumer.stop();
  });
});
