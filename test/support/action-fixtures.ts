import { randomUUID } from 'node:crypto';

export interface ActionSpec {
  kind: string;
  durationMs?: number;
  recipients?: number;
  ai?: { model: string; inputTokens: number; outputTokens: number; cachedInputTokens?: number };
}

/** An `ActionExecuted` v1 message as a workflow or AI service would publish it. */
export function actionExecuted(workspaceId: string, action: ActionSpec, overrides: Record<string, unknown> = {}) {
  return {
    eventId: randomUUID(),
    type: 'ActionExecuted',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    workspaceId,
    source: action.kind === 'ai.generate' ? 'ai-chat' : 'workflow',
    action,
    ...overrides,
  };
}

/** A `SubscriptionPeriodStarted` message opening a period for the workspace. */
export function periodStarted(
  workspaceId: string,
  options: { cycle?: 'monthly' | 'yearly'; periodStart?: string; periodEnd?: string; allocationMicro?: string } = {},
) {
  return {
    eventId: randomUUID(),
    type: 'SubscriptionPeriodStarted',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    workspaceId,
    cycle: options.cycle ?? 'monthly',
    periodStart: options.periodStart ?? '2026-11-01T00:00:00.000Z',
    periodEnd: options.periodEnd ?? '2026-12-01T00:00:00.000Z',
    ...(options.allocationMicro ? { allocationMicro: options.allocationMicro } : {}),
  };
}

/** Waits until `probe` returns a value that is not undefined, polling; fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Fisher–Yates with a seeded generator, so a failing order can be reproduced. */
export function shuffled<T>(items: T[], seed = 42): T[] {
  const result = [...items];
  let state = seed >>> 0;
  const random = (): number => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  for (let index = result.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
}
