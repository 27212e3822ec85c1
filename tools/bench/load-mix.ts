import { randomUUID } from 'node:crypto';
import { periodStarted } from '../support/messages';

/** A seeded generator (mulberry32), so a run's traffic can be reproduced. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Picks workspace indexes with Zipf-skewed activity (exponent s): a few are very busy. */
export function zipfSampler(count: number, exponent: number, random: () => number): () => number {
  const cumulative = new Float64Array(count);
  let total = 0;
  for (let rank = 0; rank < count; rank += 1) {
    total += 1 / (rank + 1) ** exponent;
    cumulative[rank] = total;
  }
  return () => {
    const target = random() * total;
    let low = 0;
    let high = count - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] as number) < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

const workflowKinds = ['record.create', 'record.update', 'record.find', 'record.delete'];
const models = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4', 'claude-haiku-4'];

/** The realistic mix: 70% workflow steps, 20% AI with token counts, 10% code, email and HTTP. */
export function mixedAction(workspaceId: string, random: () => number): Record<string, unknown> {
  const roll = random();
  const envelope = {
    eventId: randomUUID(),
    type: 'ActionExecuted',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    workspaceId,
  };
  if (roll < 0.7) {
    return {
      ...envelope,
      source: 'workflow',
      action: {
        kind: workflowKinds[Math.floor(random() * workflowKinds.length)],
        workflowId: 'wf-bench',
      },
    };
  }
  if (roll < 0.9) {
    return {
      ...envelope,
      source: random() < 0.5 ? 'ai-chat' : 'ai-agent',
      action: {
        kind: 'ai.generate',
        ai: {
          model: models[Math.floor(random() * models.length)],
          inputTokens: Math.floor(random() * 4_000),
          outputTokens: Math.floor(random() * 1_000),
          cachedInputTokens: Math.floor(random() * 500),
        },
      },
    };
  }
  const other = random();
  if (other < 0.4)
    return {
      ...envelope,
      source: 'workflow',
      action: { kind: 'code.run', durationMs: Math.floor(random() * 5_000) },
    };
  if (other < 0.7)
    return {
      ...envelope,
      source: 'workflow',
      action: { kind: 'email.send', recipients: 1 + Math.floor(random() * 5) },
    };
  return { ...envelope, source: 'workflow', action: { kind: 'http.request' } };
}

/** A monthly SubscriptionPeriodStarted for November 2026 (allocation default: a very large one). */
export function periodStart(
  workspaceId: string,
  allocationMicro = '1000000000000000',
): Record<string, unknown> {
  return periodStarted(workspaceId, { allocationMicro });
}
