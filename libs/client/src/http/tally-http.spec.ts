import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TallyHttp } from './tally-http';
import { TallyApiError, TallyNetworkError } from './tally-errors';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

/** A real local server answering each request with the next handler (the last one repeats). */
async function serve(
  handlers: Handler[],
): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push(`${request.method} ${request.url} ${body}`);
      const handler = handlers[Math.min(seen.length, handlers.length) - 1] as Handler;
      handler(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_request, _body, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };

const fastRetry = { attemptsMax: 3, delayMsInitial: 1, delayMsMax: 2 };

describe('TallyHttp', () => {
  const servers: Server[] = [];
  const clients: TallyHttp[] = [];
  async function start(handlers: Handler[]) {
    const served = await serve(handlers);
    servers.push(served.server);
    return served;
  }
  function clientOf(
    baseUrl: string,
    options: { requestTimeoutMs?: number; idleConnectionMs?: number; attemptsMax?: number } = {},
  ): TallyHttp {
    const { attemptsMax, ...rest } = options;
    const retry = attemptsMax === undefined ? fastRetry : { ...fastRetry, attemptsMax };
    const client = new TallyHttp({ baseUrl, token: () => 'token-1', retry, ...rest });
    clients.push(client);
    return client;
  }

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('sends the token and a JSON body, and parses the JSON answer', async () => {
    let headers: IncomingMessage['headers'] = {};
    const { url, seen } = await start([
      (request, body, response) => {
        headers = request.headers;
        json(201, { echoed: JSON.parse(body) })(request, body, response);
      },
    ]);
    const answer = await clientOf(`${url}/`).request('POST', '/v1/x', { amount: '1000' });
    expect(answer).toEqual({ status: 201, body: { echoed: { amount: '1000' } } });
    expect(seen).toEqual(['POST /v1/x {"amount":"1000"}']);
    expect(headers.authorization).toBe('Bearer token-1');
    expect(headers['content-type']).toBe('application/json');
  });

  it('keeps the base URL path and sends no body or content type with a GET', async () => {
    let contentType: string | undefined = 'unset';
    const { url, seen } = await start([
      (request, body, response) => {
        contentType = request.headers['content-type'];
        json(200, { ok: true })(request, body, response);
      },
    ]);
    await clientOf(`${url}/tally/`).request('GET', '/v1/y');
    expect(seen).toEqual(['GET /tally/v1/y ']);
    expect(contentType).toBeUndefined();
  });

  it('retries a 503 after its Retry-After and returns the next answer', async () => {
    const { url, seen } = await start([
      json(503, { code: 'UNAVAILABLE', message: 'busy', details: null }, { 'retry-after': '0' }),
      json(200, { allowed: true }),
    ]);
    const answer = await clientOf(url).request('POST', '/v1/gate', {});
    expect(answer.body).toEqual({ allowed: true });
    expect(seen).toHaveLength(2);
  });

  it('throws a 4xx at once as TallyApiError with its code, message and details', async () => {
    const { url, seen } = await start([
      json(409, { code: 'RESERVATION_CONFLICT', message: 'other amount', details: [{ a: 1 }] }),
    ]);
    const error = await clientOf(url)
      .request('POST', '/v1/r', {})
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TallyApiError);
    expect(error).toMatchObject({
      status: 409,
      code: 'RESERVATION_CONFLICT',
      details: [{ a: 1 }],
      attempts: 1,
    });
    expect(seen).toHaveLength(1);
  });

  it('names a status whose body is not JSON by its status line', async () => {
    const { url } = await start([
      (_request, _body, response) => {
        response.writeHead(404, 'Nothing Here', { 'content-type': 'text/plain' });
        response.end('plain words');
      },
    ]);
    const error = await clientOf(url)
      .request('GET', '/nowhere')
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 404, code: 'HTTP_404', details: 'plain words' });
    expect((error as Error).message).toBe('404 HTTP_404: Nothing Here');
  });

  it('gives up on a server that does not answer in time, after every attempt', async () => {
    const { url, seen } = await start([() => undefined]);
    const error = await clientOf(url, { requestTimeoutMs: 50 })
      .request('POST', '/v1/slow', {})
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TallyNetworkError);
    expect(error).toMatchObject({ attempts: 3 });
    expect((error as Error).message).toMatch(/no answer within 50 ms/);
    expect(seen).toHaveLength(3);
  });

  it('reports a refused connection as a network error', async () => {
    const { server, url } = await start([json(200, {})]);
    await new Promise((resolve) => server.close(resolve));
    servers.splice(servers.indexOf(server), 1);
    const error = await clientOf(url)
      .request('GET', '/v1/z')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TallyNetworkError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('reuses one connection for calls made one after another', async () => {
    const ports = new Set<number>();
    const { url } = await start([
      (request, body, response) => {
        ports.add(request.socket.remotePort ?? 0);
        json(200, {})(request, body, response);
      },
    ]);
    const client = clientOf(url);
    for (let call = 0; call < 5; call += 1) await client.request('GET', '/v1/again');
    expect(ports.size).toBe(1);
  });

  it('closes a connection left idle before the server would (no call sent on a closing one)', async () => {
    const { server, url } = await start([json(200, {})]);
    server.keepAliveTimeout = 60_000;
    const closedByClient = new Promise<void>((resolve) =>
      server.once('connection', (socket) => socket.once('end', () => resolve())),
    );
    await clientOf(url, { idleConnectionMs: 100 }).request('GET', '/v1/once');
    await closedByClient; // without an idle limit the client keeps it for the server's 60 s
  });

  it('waits for an answer slower than the idle limit (the limit is for unused connections)', async () => {
    const { url } = await start([
      (request, body, response) =>
        void setTimeout(() => json(200, { slow: true })(request, body, response), 300),
    ]);
    await expect(
      clientOf(url, { idleConnectionMs: 50, attemptsMax: 1 }).request('GET', '/v1/slow'),
    ).resolves.toEqual({ status: 200, body: { slow: true } });
  });

  it('retries a call whose kept connection was closed under it as an attempt, never beyond attemptsMax', async () => {
    // The race an idle limit avoids, from a server or proxy that closes without warning: the
    // second call goes out on the kept connection, which is dropped without an answer. The
    // server may have read and applied it; the retry is safe because every call is idempotent.
    const dropSecond = () => [
      json(200, { call: 1 }),
      (request: IncomingMessage) => request.socket.destroy(),
      json(200, { call: 3 }),
    ];
    const retried = await start(dropSecond());
    const client = clientOf(retried.url);
    await client.request('GET', '/v1/first');
    await expect(client.request('GET', '/v1/second')).resolves.toEqual({
      status: 200,
      body: { call: 3 },
    });
    expect(retried.seen).toHaveLength(3);

    const once = await start(dropSecond());
    const single = clientOf(once.url, { attemptsMax: 1 });
    await single.request('GET', '/v1/first');
    await expect(single.request('GET', '/v1/second')).rejects.toBeInstanceOf(TallyNetworkError);
    expect(once.seen).toHaveLength(2); // retries off: sent once
  });

  it('refuses a base URL that is not http or https', () => {
    expect(() => new TallyHttp({ baseUrl: 'ftp://example.test', token: 't' })).toThrow(
      /http: or https:/,
    );
  });
});
