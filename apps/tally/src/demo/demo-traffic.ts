import { randomUUID } from 'node:crypto';
import { Logger } from '@tally/observability';

export interface DemoTraffic {
  workspaces: string[];
  stop(): Promise<void>;
}

interface DemoWorkspace {
  id: string;
  cycle: 'monthly' | 'yearly';
  /** Relative activity: the near-exhausted workspace is busy on a small allocation. */
  weight: number;
  allocationMicro?: string;
}

const tickIntervalMs = 1_000;
const actionsPerTickMax = 40;

/**
 * Streams realistic usage through the public ingest path (`POST /v1/events`): a few workspaces
 * on monthly and yearly cycles (one close to exhaustion), workflow steps, code runs, emails,
 * HTTP calls and AI chat/agent token usage.
 */
export async function startDemoTraffic(options: {
  baseUrl: string;
  token: string;
  logger: Logger;
}): Promise<DemoTraffic> {
  const workspaces: DemoWorkspace[] = [
    { id: `demo-acme-${randomUUID().slice(0, 8)}`, cycle: 'monthly', weight: 5 },
    { id: `demo-globex-${randomUUID().slice(0, 8)}`, cycle: 'yearly', weight: 8 },
    {
      id: `demo-initech-${randomUUID().slice(0, 8)}`,
      cycle: 'monthly',
      weight: 3,
      allocationMicro: '1200000',
    },
  ];
  const post = async (events: unknown[]): Promise<void> => {
    const response = await fetch(`${options.baseUrl}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    if (response.status !== 202)
      options.logger.warn(
        { status: response.status, body: await response.text() },
        'demo ingest refused',
      );
  };
  await post(workspaces.map(periodStartOf));
  let day = 0;
  const timer = setInterval(() => {
    day += 1;
    const batch = workspaces.flatMap((workspace) =>
      Array.from(
        { length: Math.ceil(Math.random() * workspace.weight * (actionsPerTickMax / 16)) },
        () => demoAction(workspace.id, day),
      ),
    );
    post(batch).catch((error: Error) =>
      options.logger.warn({ error: error.message }, 'demo ingest failed'),
    );
  }, tickIntervalMs);
  return {
    workspaces: workspaces.map((workspace) => workspace.id),
    stop: async () => clearInterval(timer),
  };
}

function periodStartOf(workspace: DemoWorkspace): Record<string, unknown> {
  const now = new Date();
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end =
    workspace.cycle === 'monthly'
      ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1))
      : new Date(Date.UTC(now.getUTCFullYear() + 1, now.getUTCMonth(), 1));
  return {
    eventId: randomUUID(),
    type: 'SubscriptionPeriodStarted',
    schemaVersion: 1,
    occurredAt: now.toISOString(),
    workspaceId: workspace.id,
    cycle: workspace.cycle,
    periodStart: start.toISOString(),
    periodEnd: end.toISOString(),
    ...(workspace.allocationMicro ? { allocationMicro: workspace.allocationMicro } : {}),
  };
}

// Spreads the demo's actions over the days of the current period so the usage chart has a
// trend to show, never into the future.
function occurredAtFor(day: number): string {
  const now = new Date();
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const span = now.getTime() - monthStart;
  const spread = monthStart + (((day * 7_919) % 997) / 997) * span;
  return new Date(Math.min(spread, now.getTime())).toISOString();
}

function demoAction(workspaceId: string, day: number): Record<string, unknown> {
  const roll = Math.random();
  const envelope = {
    eventId: randomUUID(),
    type: 'ActionExecuted',
    schemaVersion: 1,
    occurredAt: occurredAtFor(day),
    workspaceId,
  };
  if (roll < 0.6) {
    const kinds = ['record.create', 'record.update', 'record.find', 'record.delete'];
    return {
      ...envelope,
      source: 'workflow',
      action: {
        kind: kinds[Math.floor(Math.random() * kinds.length)],
        workflowId: 'wf-onboarding',
      },
    };
  }
  if (roll < 0.7)
    return {
      ...envelope,
      source: 'workflow',
      action: { kind: 'code.run', durationMs: Math.floor(Math.random() * 3_000) },
    };
  if (roll < 0.75)
    return {
      ...envelope,
      source: 'workflow',
      action: { kind: 'email.send', recipients: 1 + Math.floor(Math.random() * 5) },
    };
  if (roll < 0.8) return { ...envelope, source: 'workflow', action: { kind: 'http.request' } };
  const models = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4', 'claude-haiku-4'];
  return {
    ...envelope,
    source: Math.random() < 0.5 ? 'ai-chat' : 'ai-agent',
    action: {
      kind: 'ai.generate',
      ai: {
        model: models[Math.floor(Math.random() * models.length)],
        inputTokens: 200 + Math.floor(Math.random() * 3_000),
        outputTokens: 50 + Math.floor(Math.random() * 800),
        cachedInputTokens: Math.floor(Math.random() * 200),
      },
    },
  };
}
