// Benchmark driver: GET /v1/workspaces/:id/credits at a steady rate from a few clients (a
// client whose request is slow falls behind rather than piling up requests), counting what was
// served and how slowly. Reports, never asserts.
import { signToken } from '../../billing-api/src';

const tokenLifetimeSeconds = 3_600;

export interface ApiLoadReport {
  served: number;
  failed: number;
  latencyMsMax: number;
  latencyMsP99: number;
}

export interface ApiLoad {
  stop(): Promise<ApiLoadReport>;
}

export function startApiLoad(options: {
  baseUrl: string;
  jwtSecret: string;
  workspaceIds: string[];
  clients: number;
  requestsPerSecond: number;
}): ApiLoad {
  const clientIntervalMs = (options.clients * 1_000) / options.requestsPerSecond;
  let running = true;
  let failed = 0;
  const latenciesMs: number[] = [];
  const tokens = new Map<string, Promise<string>>();
  const tokenFor = (workspaceId: string): Promise<string> => {
    let token = tokens.get(workspaceId);
    if (!token) {
      token = signToken(
        { workspaceId, scope: 'credits:read' },
        options.jwtSecret,
        tokenLifetimeSeconds,
      );
      tokens.set(workspaceId, token);
    }
    return token;
  };
  const client = async (offset: number): Promise<void> => {
    for (let index = offset; running; index += options.clients) {
      const workspaceId = options.workspaceIds[index % options.workspaceIds.length] as string;
      // Signed before the clock starts: the benchmark times the API, not the signing.
      const token = await tokenFor(workspaceId);
      const started = performance.now();
      const next = started + clientIntervalMs;
      try {
        const response = await fetch(`${options.baseUrl}/v1/workspaces/${workspaceId}/credits`, {
          headers: { authorization: `Bearer ${token}` },
        });
        await response.arrayBuffer();
        if (response.status === 200) latenciesMs.push(performance.now() - started);
        else failed += 1;
      } catch {
        failed += 1;
      }
      const waitMs = next - performance.now();
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  };
  const clients = Array.from({ length: options.clients }, (_, offset) => client(offset));
  return {
    async stop() {
      running = false;
      await Promise.all(clients);
      const sorted = [...latenciesMs].sort((a, b) => a - b);
      return {
        served: sorted.length,
        failed,
        latencyMsMax: sorted[sorted.length - 1] ?? 0,
        latencyMsP99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0,
      };
    },
  };
}
