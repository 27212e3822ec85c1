import { createServer, Server } from 'node:http';
import { Registry } from 'prom-client';

/** Serves `GET /metrics` (Prometheus text) and `GET /health` for apps that have no HTTP API. */
export async function startMetricsServer(registry: Registry, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === '/metrics') {
      registry
        .metrics()
        .then((body) => {
          response.writeHead(200, { 'content-type': registry.contentType });
          response.end(body);
        })
        .catch((error: Error) => {
          response.writeHead(500);
          response.end(error.message);
        });
      return;
    }
    if (request.url === '/health') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"status":"ok"}');
      return;
    }
    response.writeHead(404);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}
