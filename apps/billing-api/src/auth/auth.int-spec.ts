import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createPostgresEventStore, EventStore, SqlClient } from '@tally/event-store';
import { createInProcessBus, MessageBus } from '@tally/messaging';
import { exportJWK, generateKeyPair, KeyLike, SignJWT } from 'jose';
import { createTestDatabase, TestDatabase } from '../../../../tools/support/test-database';
import { createBillingApi, signToken } from '../index';

jest.setTimeout(60_000);

const jwtSecret = `secret-${randomUUID()}`;
const lifetimeMaxSeconds = 3_600;
const providerKeyId = 'idp-key-1';

// The regressions of issue 12 ("Hardening"), each against the API as it is built for real.
describe('billing API authentication over a real database', () => {
  let database: TestDatabase;
  let store: EventStore & { sql: SqlClient };
  let bus: MessageBus;
  let app: NestExpressApplication;
  let baseUrl: string;
  let keyFolder: string;
  let providerKey: KeyLike;
  const workspaceId = `ws-${randomUUID()}`;
  const balancePath = `/v1/workspaces/${workspaceId}/credits`;

  const readToken = (lifetimeSeconds = 600): Promise<string> =>
    signToken({ workspaceId, scope: 'credits:read' }, jwtSecret, lifetimeSeconds);

  async function get(
    path: string,
    token?: string,
  ): Promise<{ status: number; body: unknown; headers: Headers }> {
    const response = await fetch(`${baseUrl}${path}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text.startsWith('{') ? JSON.parse(text) : text,
      headers: response.headers,
    };
  }

  const unauthenticated = { code: 'UNAUTHENTICATED', message: expect.any(String), details: null };

  beforeAll(async () => {
    keyFolder = mkdtempSync(join(tmpdir(), 'tally-jwks-'));
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    providerKey = privateKey;
    const jwksFile = join(keyFolder, 'jwks.json');
    const publicJwk = {
      ...(await exportJWK(publicKey)),
      kid: providerKeyId,
      alg: 'RS256',
      use: 'sig',
    };
    writeFileSync(jwksFile, JSON.stringify({ keys: [publicJwk] }));
    database = await createTestDatabase('tally_auth');
    store = await createPostgresEventStore({ connectionString: database.connectionString });
    bus = createInProcessBus();
    app = await createBillingApi({
      store,
      sql: store.sql,
      bus,
      jwtSecret,
      auth: { tokenLifetimeMaxSeconds: lifetimeMaxSeconds, jwksFile },
    });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
    await bus.close();
    await store.close();
    await database.drop();
    rmSync(keyFolder, { recursive: true, force: true });
  });

  it('answers a good token with the balance', async () => {
    expect((await get(balancePath, await readToken())).status).toBe(200);
  });

  it('refuses a token without exp', async () => {
    const noExp = await new SignJWT({ workspaceId, scope: 'credits:read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .sign(new TextEncoder().encode(jwtSecret));
    const response = await get(balancePath, noExp);
    expect(response.status).toBe(401);
    expect(response.body).toEqual(unauthenticated);
  });

  it('refuses ?access_token= on a non-stream route', async () => {
    const token = await readToken();
    const response = await get(`${balancePath}?access_token=${token}`);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ ...unauthenticated, message: 'missing bearer token' });
  });

  it('refuses a padded signature', async () => {
    const token = await readToken();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const padded = `${header}.${payload}.${Buffer.from(signature, 'base64url').toString('base64')}`;
    expect(padded.endsWith('=')).toBe(true);
    const response = await get(balancePath, padded);
    expect(response.status).toBe(401);
    expect(response.body).toEqual(unauthenticated);
  });

  it('refuses a token whose lifetime exceeds the maximum', async () => {
    const response = await get(balancePath, await readToken(lifetimeMaxSeconds + 1));
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      ...unauthenticated,
      message: `token lifetime exceeds the maximum of ${lifetimeMaxSeconds} seconds`,
    });
  });

  it('accepts an RS256 token from the JWKS file', async () => {
    const providerToken = await new SignJWT({ workspaceId, scope: 'credits:read' })
      .setProtectedHeader({ alg: 'RS256', kid: providerKeyId })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(providerKey);
    expect((await get(balancePath, providerToken)).status).toBe(200);
    const { privateKey: strangerKey } = await generateKeyPair('RS256');
    const stranger = await new SignJWT({ workspaceId, scope: 'credits:read' })
      .setProtectedHeader({ alg: 'RS256', kid: providerKeyId })
      .setExpirationTime('5m')
      .sign(strangerKey);
    expect((await get(balancePath, stranger)).status).toBe(401);
  });

  it('sends no X-Powered-By and sets helmet headers', async () => {
    for (const path of ['/health', balancePath, '/docs', '/billing']) {
      const { headers } = await get(path);
      expect({ path, poweredBy: headers.get('x-powered-by') }).toEqual({ path, poweredBy: null });
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('strict-transport-security')).toContain('max-age=');
      expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
    // Swagger UI's page has inline <style> blocks; the billing page keeps its stricter policy.
    expect((await get('/docs')).headers.get('content-security-policy')).toContain(
      "style-src 'self' 'unsafe-inline'",
    );
    expect((await get('/billing')).headers.get('content-security-policy')).toContain(
      "default-src 'none'",
    );
  });

  it('serves health, the billing page and the Swagger UI without a token', async () => {
    // /health may answer 503 here (no ledger or projector runs): what matters is no 401 or 403.
    for (const path of [
      '/health',
      '/metrics',
      '/billing',
      '/billing/modules/main.mjs',
      '/billing/pack-sizes.json',
      '/docs',
      '/docs-json',
    ]) {
      const { status } = await get(path);
      expect({ path, refused: status === 401 || status === 403 }).toEqual({ path, refused: false });
    }
  });

  it('ends the balance stream when its token expires', async () => {
    const token = await readToken(2);
    const opened = Date.now();
    const response = await fetch(
      `${baseUrl}/v1/workspaces/${workspaceId}/credits/stream?access_token=${token}`,
    );
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let received = '';
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      received += new TextDecoder().decode(chunk.value);
    }
    expect(received).toContain('event: balance');
    // Ended at exp (2 s after issue, to the second): well before a 15 s heartbeat would show.
    expect(Date.now() - opened).toBeLessThan(5_000);
    // EventSource reconnects with the same token and is told it has expired.
    expect(
      (await fetch(`${baseUrl}/v1/workspaces/${workspaceId}/credits/stream?access_token=${token}`))
        .status,
    ).toBe(401);
  });
});
