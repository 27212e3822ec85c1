import { createServer } from 'node:net';
import { signToken } from '../../apps/billing-api/src';
import { ChaosLimits } from './chaos.options';

const tokenLifetimeSeconds = 24 * 3_600;
const readyPollMs = 250;

/** A port nobody listens on now (the OS's pick), for the billing API process. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A service token (every workspace) that may reserve, release and read reservations. */
export function serviceToken(secret: string): Promise<string> {
  return signToken(
    { workspaceId: '*', scope: 'credits:reserve credits:read' },
    secret,
    tokenLifetimeSeconds,
  );
}

/** Waits until the API answers at all (any status): it is listening. */
export async function apiReady(baseUrl: string): Promise<void> {
  const deadline = Date.now() + ChaosLimits.apiReadyTimeoutMs;
  for (;;) {
    try {
      await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(
          `the billing API at ${baseUrl} did not answer: ${(error as Error).message}`,
        );
      await new Promise((resolve) => setTimeout(resolve, readyPollMs));
    }
  }
}
