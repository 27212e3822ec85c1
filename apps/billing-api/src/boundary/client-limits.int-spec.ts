import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createPgliteEventStore, EventStore, SqlClient } from '@tally/event-store';
import { createInProcessBus, MessageBus } from '@tally/messaging';
import { createBillingApi } from '../index';

jest.setTimeout(60_000);

// The rate limit counts per client; behind a trusted proxy the client is the address the proxy
// reports in X-Forwarded-For, else the connection's (a header anyone can send is ignored).
describe('the rate limit per client', () => {
  let store: EventStore & { sql: SqlClient };
  let bus: MessageBus;
  const apps: NestExpressApplication[] = [];

  beforeAll(async () => {
    store = await createPgliteEventStore();
    bus = createInProcessBus();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await bus.close();
    await store.close();
  });

  async function apiWith(trustProxy?: string): Promise<string> {
    const app = await createBillingApi({
      store,
      sql: store.sql,
      bus,
      jwtSecret: `secret-${randomUUID()}`,
      rateLimitPerSecond: 3,
      ...(trustProxy === undefined ? {} : { trustProxy }),
    });
    apps.push(app);
    await app.listen(0, '127.0.0.1');
    return await app.getUrl();
  }

  /**
   * 4 requests as client A and 3 as client B, all at once through the "proxy" at 127.0.0.1 (one
   * burst, well inside the limit's one-second window): how many of each were limited.
   */
  async function limitedOfBurst(baseUrl: string): Promise<{ a: number; b: number }> {
    const send = (client: string) =>
      fetch(`${baseUrl}/v1/workspaces/w-1/credits`, { headers: { 'x-forwarded-for': client } });
    const clients = ['203.0.113.7', '203.0.113.7', '203.0.113.7', '203.0.113.7'].concat([
      '198.51.100.9',
      '198.51.100.9',
      '198.51.100.9',
    ]);
    const answers = await Promise.all(clients.map(send));
    const limited = (client: string) =>
      answers.filter((answer, index) => clients[index] === client && answer.status === 429).length;
    return { a: limited('203.0.113.7'), b: limited('198.51.100.9') };
  }

  it('gives each client behind a trusted proxy a budget of its own', async () => {
    // 3 a second each: only A's fourth request is limited (the rest are 401s: no token).
    expect(await limitedOfBurst(await apiWith('loopback'))).toEqual({ a: 1, b: 0 });
  });

  it('ignores X-Forwarded-For when no proxy is trusted: one budget per connection address', async () => {
    const limited = await limitedOfBurst(await apiWith());
    expect(limited.a + limited.b).toBe(4); // 7 requests from one address, 3 allowed
  });

  it('refuses a trusted-proxy list it cannot read before building anything, naming the setting', async () => {
    await expect(apiWith('not-an-address')).rejects.toThrow(
      /TALLY_TRUST_PROXY must be .*, got "not-an-address"/,
    );
  });
});
