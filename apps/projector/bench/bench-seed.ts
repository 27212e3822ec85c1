// Benchmark seed: realistic credit events decided by the domain in memory and appended straight
// to the store with appendMany (the ledger's load and idempotency checks are not what is
// measured here). Workspaces are picked Zipf-skewed, actions are of mixed kinds, time runs over
// three months so every workspace that stays active closes a period or two; heavy users run
// out and buy packs, some get grants that later expire.
import { randomUUID } from 'node:crypto';
import { DAY_MS } from '@tally/contracts';
import {
  decide,
  evolve,
  initialWorkspaceState,
  WorkspaceCommand,
  WorkspaceState,
} from '@tally/credits';
import { encodeCreditEvent } from '@tally/ledger';
import type { EventData, EventStore, StreamAppend } from '@tally/event-store';
import { workspaceStreamName } from '@tally/ledger';
import { seededRandom, zipfSampler } from '../../../tools/bench/load-mix';

export interface SeedOptions {
  eventsTotal: number;
  workspacesTotal: number;
  /** Zipf exponent of workspace activity (1: the busiest has ~1/H(n) of all actions). */
  zipfExponent?: number;
  /** Events per appendMany call. */
  appendEventsMax?: number;
}

const seedStart = Date.parse('2026-01-01T00:00:00.000Z');
const seedDays = 90;
const kinds = [
  'record.create',
  'http.request',
  'code.run',
  'email.send',
  'web.search',
  'ai.generate',
];
const models = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet', 'mystery-model'];

function monthOf(instantMs: number): { start: string; end: string } {
  const date = new Date(instantMs);
  const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  const end = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

function commandsFor(
  state: WorkspaceState,
  workspaceId: string,
  at: string,
  next: () => number,
): WorkspaceCommand[] {
  const base = { workspaceId, occurredAt: at, processedAt: at };
  const commands: WorkspaceCommand[] = [];
  const month = monthOf(Date.parse(at));
  if (state.period === null || state.period.start !== month.start) {
    commands.push({
      ...base,
      type: 'OpenPeriod',
      commandId: randomUUID(),
      cycle: 'monthly',
      periodStart: month.start,
      periodEnd: month.end,
    });
  }
  const roll = next();
  if (state.status === 'exhausted' && roll < 0.02) {
    commands.push({
      ...base,
      type: 'AddCreditPack',
      commandId: randomUUID(),
      creditsMicro: 100_000_000n,
      paymentRef: `pay-${randomUUID()}`,
    });
  } else if (roll < 0.001) {
    const expiresAt = new Date(Date.parse(at) + Math.floor(next() * 30 + 1) * DAY_MS).toISOString();
    commands.push({
      ...base,
      type: 'GrantCredits',
      commandId: randomUUID(),
      grantType: 'compensation',
      creditsMicro: 2_000_000n,
      reference: `grant-${randomUUID()}`,
      expiresAt,
    });
  }
  const kind = kinds[Math.floor(next() * kinds.length)] as string;
  const action =
    kind === 'ai.generate'
      ? {
          kind,
          ai: {
            model: models[Math.floor(next() * models.length)] as string,
            inputTokens: 200 + Math.floor(next() * 2_000),
            outputTokens: 50 + Math.floor(next() * 500),
            cachedInputTokens: 0,
          },
        }
      : kind === 'code.run'
        ? { kind, durationMs: Math.floor(next() * 2_000) }
        : kind === 'email.send'
          ? { kind, recipients: 1 + Math.floor(next() * 5) }
          : { kind };
  commands.push({
    ...base,
    type: 'DebitAction',
    commandId: randomUUID(),
    source: 'workflow',
    action,
  });
  return commands;
}

/** Seeds about `eventsTotal` events; returns how many were stored and the workspace ids. */
export async function seedCreditEvents(
  store: EventStore,
  options: SeedOptions,
): Promise<{ events: number; workspaceIds: string[] }> {
  const next = seededRandom(42);
  const pick = zipfSampler(options.workspacesTotal, options.zipfExponent ?? 1, next);
  const workspaceIds = Array.from(
    { length: options.workspacesTotal },
    (_, index) => `bench-${index}-${randomUUID().slice(0, 8)}`,
  );
  const states = new Map<string, WorkspaceState>();
  const appendEventsMax = options.appendEventsMax ?? 5_000;
  let stored = 0;
  let pending = new Map<string, EventData[]>();
  let pendingCount = 0;
  const flush = async (): Promise<void> => {
    const appends: StreamAppend[] = [...pending].map(([workspaceId, events]) => ({
      streamName: workspaceStreamName(workspaceId),
      events,
      expectedRevision: 'any',
    }));
    if (appends.length > 0) await store.appendMany(appends);
    stored += pendingCount;
    pending = new Map();
    pendingCount = 0;
  };
  for (let step = 0; stored + pendingCount < options.eventsTotal; step += 1) {
    const workspaceId = workspaceIds[pick()] as string;
    const at = new Date(
      seedStart + Math.floor(((stored + pendingCount) / options.eventsTotal) * seedDays * DAY_MS),
    ).toISOString();
    let state = states.get(workspaceId) ?? initialWorkspaceState(workspaceId);
    for (const command of commandsFor(state, workspaceId, at, next)) {
      for (const event of decide(command, state)) {
        state = evolve(state, event);
        const events = pending.get(workspaceId) ?? [];
        events.push({ id: randomUUID(), ...encodeCreditEvent(event) });
        pending.set(workspaceId, events);
        pendingCount += 1;
      }
    }
    states.set(workspaceId, state);
    if (pendingCount >= appendEventsMax) await flush();
  }
  await flush();
  return { events: stored, workspaceIds };
}
