import { randomUUID } from 'node:crypto';
import {
  actionExecuted,
  ActionExecutedEnvelope,
  aiGenerate,
  CreditsClient,
  CreditsEnvelope,
  ReservationHold,
  subscriptionPeriodStarted,
} from '@tally/client';
import type { ActionSource } from '@tally/contracts';
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
  allocationMicro?: bigint;
}

const tickIntervalMs = 1_000;
const actionsPerTickMax = 40;
/** What one demo agent run holds before it calls its models: 0.1 credit. */
const agentRunHoldMicro = 100_000n;
const agentCallsPerRunMax = 3;
const models = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4', 'claude-haiku-4'];

/**
 * Streams realistic usage through the public ingest path (`POST /v1/events`) with the services'
 * client, `@tally/client`: a few workspaces on monthly and yearly cycles (one close to
 * exhaustion), workflow steps, code runs, emails, HTTP calls and AI chat/agent token usage;
 * each tick one agent run calls its models inside a reservation (`withReservation`).
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
      allocationMicro: 1_200_000n,
    },
  ];
  const client = new CreditsClient({ baseUrl: options.baseUrl, token: options.token });
  const warn = (error: Error) =>
    options.logger.warn({ error: error.message }, 'demo ingest failed');
  await post(client, options.logger, workspaces.map(periodStartOf));
  let day = 0;
  const timer = setInterval(() => {
    day += 1;
    const batch = workspaces.flatMap((workspace) =>
      Array.from(
        { length: Math.ceil(Math.random() * workspace.weight * (actionsPerTickMax / 16)) },
        () => demoAction(workspace.id, day),
      ),
    );
    post(client, options.logger, batch).catch(warn);
    const workspace = workspaces[Math.floor(Math.random() * workspaces.length)] as DemoWorkspace;
    agentRun(client, workspace.id, day).catch(warn);
  }, tickIntervalMs);
  return {
    workspaces: workspaces.map((workspace) => workspace.id),
    stop: async () => clearInterval(timer),
  };
}

async function post(client: CreditsClient, logger: Logger, messages: CreditsEnvelope[]) {
  const result = await client.publish(messages);
  if (result.rejected.length > 0)
    logger.warn({ rejected: result.rejected.slice(0, 5) }, 'demo ingest refused');
}

/** An agent run: hold, call one to three models, settle their usage on the hold, release. */
async function agentRun(client: CreditsClient, workspaceId: string, day: number): Promise<void> {
  await client.withReservation(
    workspaceId,
    { reservationId: `demo-run-${randomUUID()}`, amountMicro: agentRunHoldMicro },
    async (hold: ReservationHold) =>
      Array.from({ length: 1 + Math.floor(Math.random() * agentCallsPerRunMax) }, () =>
        hold.aiGenerate({
          source: 'ai-agent',
          occurredAt: occurredAtFor(day),
          workflowRunId: hold.reservationId,
          ai: randomModelCall(),
        }),
      ),
  );
  // A refusal (CREDITS_INSUFFICIENT) is a result: the near-exhausted workspace runs nothing.
}

function periodStartOf(workspace: DemoWorkspace): CreditsEnvelope {
  const now = new Date();
  return subscriptionPeriodStarted({
    workspaceId: workspace.id,
    occurredAt: now,
    cycle: workspace.cycle,
    periodStart: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    periodEnd:
      workspace.cycle === 'monthly'
        ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1))
        : new Date(Date.UTC(now.getUTCFullYear() + 1, now.getUTCMonth(), 1)),
    ...(workspace.allocationMicro ? { allocationMicro: workspace.allocationMicro } : {}),
  });
}

// Spreads the demo's actions over the days of the current period so the usage chart has a
// trend to show, never into the future.
function occurredAtFor(day: number): Date {
  const now = new Date();
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const span = now.getTime() - monthStart;
  const spread = monthStart + (((day * 7_919) % 997) / 997) * span;
  return new Date(Math.min(spread, now.getTime()));
}

function randomModelCall() {
  return {
    model: models[Math.floor(Math.random() * models.length)] as string,
    inputTokens: 200 + Math.floor(Math.random() * 3_000),
    outputTokens: 50 + Math.floor(Math.random() * 800),
    cachedInputTokens: Math.floor(Math.random() * 200),
  };
}

function demoAction(workspaceId: string, day: number): ActionExecutedEnvelope {
  const roll = Math.random();
  const at = { workspaceId, occurredAt: occurredAtFor(day) };
  const step = (action: Parameters<typeof actionExecuted>[0]['action']) =>
    actionExecuted({ ...at, source: 'workflow', action });
  if (roll < 0.6) {
    const kinds = ['record.create', 'record.update', 'record.find', 'record.delete'];
    const kind = kinds[Math.floor(Math.random() * kinds.length)] as string;
    return step({ kind, workflowId: 'wf-onboarding' });
  }
  if (roll < 0.7) return step({ kind: 'code.run', durationMs: Math.floor(Math.random() * 3_000) });
  if (roll < 0.75)
    return step({ kind: 'email.send', recipients: 1 + Math.floor(Math.random() * 5) });
  if (roll < 0.8) return step({ kind: 'http.request' });
  const source: ActionSource = Math.random() < 0.5 ? 'ai-chat' : 'ai-agent';
  return aiGenerate({ ...at, source, ai: randomModelCall() });
}
