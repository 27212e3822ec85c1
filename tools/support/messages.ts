import { randomUUID } from 'node:crypto';

// The Kafka messages other services publish (docs/ledger.md), for tests, the benchmark and the chaos
// run: one place that builds their envelopes.

export interface ActionSpec {
  kind: string;
  durationMs?: number;
  recipients?: number;
  ai?: { model: string; inputTokens: number; outputTokens: number; cachedInputTokens?: number };
}

/** An `ActionExecuted` v1 message as a workflow or AI service would publish it. */
export function actionExecuted(
  workspaceId: string,
  action: ActionSpec,
  overrides: Record<string, unknown> = {},
) {
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
  options: {
    cycle?: 'monthly' | 'yearly';
    periodStart?: string;
    periodEnd?: string;
    allocationMicro?: string;
  } = {},
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

/** A `CreditPackPurchased` message as the billing system would publish it. */
export function packPurchased(
  workspaceId: string,
  credits: string,
  paymentRef: string = randomUUID(),
) {
  return {
    eventId: randomUUID(),
    type: 'CreditPackPurchased',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    workspaceId,
    credits,
    paymentRef,
  };
}
