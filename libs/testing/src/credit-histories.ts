import fc from 'fast-check';
import {
  ActionToPrice,
  CreditEvent,
  CreditsDomainError,
  CreditsErrorCode,
  decide,
  evolve,
  initialWorkspaceState,
  WorkspaceCommand,
  WorkspaceState,
} from '@tally/credits';
import {
  addCreditPack,
  debitAction,
  fixtureWorkspaceId as ws,
  grantCredits,
  openPeriod,
} from './credit-fixtures';

// Random histories of one workspace: periods (new, redelivered and late), debits of every
// kind, packs and grants drawn from small reference pools so that duplicates happen, all on a
// clock that only moves forward.

const hourMs = 3_600_000;
const startMs = Date.parse('2026-01-01T00:00:00.000Z');

type Step =
  | {
      kind: 'period';
      cycle: 'monthly' | 'yearly';
      allocationMicro: bigint | undefined;
      replay: 'new' | 'same' | 'older';
    }
  | { kind: 'debit'; action: ActionToPrice }
  | { kind: 'pack'; credits: bigint; ref: number }
  | { kind: 'grant'; credits: bigint; ref: number; expiresInHours: number | null }
  | { kind: 'wait'; hours: number };

const actionArb: fc.Arbitrary<ActionToPrice> = fc.oneof(
  fc.constantFrom<ActionToPrice>(
    { kind: 'record.create' },
    { kind: 'http.request' },
    { kind: 'web.search' },
    { kind: 'slack.post' },
  ),
  fc.nat({ max: 600_000 }).map((durationMs) => ({ kind: 'code.run', durationMs })),
  fc.nat({ max: 50 }).map((recipients) => ({ kind: 'email.send', recipients })),
  fc
    .record({
      model: fc.constantFrom(
        'gpt-4o',
        'gpt-4o-mini',
        'claude-sonnet-4',
        'claude-haiku-4',
        'mystery',
      ),
      inputTokens: fc.nat({ max: 200_000 }),
      outputTokens: fc.nat({ max: 50_000 }),
      cachedInputTokens: fc.nat({ max: 100_000 }),
    })
    .map((ai) => ({ kind: 'ai.generate', ai })),
);

const creditsArb = fc.bigInt({ min: 1n, max: 20_000_000n });

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('period' as const),
      cycle: fc.constantFrom('monthly' as const, 'yearly' as const),
      allocationMicro: fc.option(fc.bigInt({ min: 0n, max: 60_000_000n }), { nil: undefined }),
      replay: fc.constantFrom('new' as const, 'new' as const, 'same' as const, 'older' as const),
    }),
  },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('debit' as const), action: actionArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('pack' as const),
      credits: creditsArb,
      ref: fc.nat({ max: 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('grant' as const),
      credits: creditsArb,
      ref: fc.nat({ max: 4 }),
      expiresInHours: fc.option(fc.integer({ min: -2, max: 2000 }), { nil: null }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('wait' as const),
      hours: fc.integer({ min: 1, max: 1500 }),
    }),
  },
);

/** Turns steps into commands on a forward-moving clock. */
function commandsOf(steps: Step[]): WorkspaceCommand[] {
  let nowMs = startMs;
  const periodStarts: number[] = [];
  const commands: WorkspaceCommand[] = [];
  steps.forEach((step, index) => {
    nowMs += hourMs;
    const at = new Date(nowMs).toISOString();
    const base = { commandId: `c-${index}`, occurredAt: at, processedAt: at };
    switch (step.kind) {
      case 'period': {
        const last = periodStarts.at(-1);
        const startAtMs =
          step.replay === 'same' && last !== undefined
            ? last
            : step.replay === 'older' && last !== undefined
              ? last - 40 * 24 * hourMs
              : nowMs;
        if (startAtMs === nowMs) periodStarts.push(nowMs);
        const periodStart = new Date(startAtMs).toISOString();
        const periodEnd = new Date(
          startAtMs + (step.cycle === 'monthly' ? 30 : 365) * 24 * hourMs,
        ).toISOString();
        commands.push(
          openPeriod({
            ...base,
            cycle: step.cycle,
            periodStart,
            periodEnd,
            ...(step.allocationMicro === undefined
              ? {}
              : { allocationMicro: step.allocationMicro }),
          }),
        );
        return;
      }
      case 'debit':
        commands.push(debitAction(step.action, base));
        return;
      case 'pack':
        commands.push(addCreditPack(step.credits, { ...base, paymentRef: `pay-${step.ref}` }));
        return;
      case 'grant': {
        const expiresAt =
          step.expiresInHours === null
            ? undefined
            : new Date(nowMs + step.expiresInHours * hourMs).toISOString();
        commands.push(
          grantCredits(step.credits, {
            ...base,
            reference: `grant-${step.ref}`,
            ...(expiresAt === undefined ? {} : { expiresAt }),
          }),
        );
        return;
      }
      case 'wait':
        nowMs += step.hours * hourMs;
        return;
    }
  });
  return commands;
}

// A refused command (an older period start) decides nothing; anything else that throws is a bug.
export function decideOrRefuse(command: WorkspaceCommand, state: WorkspaceState): CreditEvent[] {
  try {
    return decide(command, state);
  } catch (error) {
    if (error instanceof CreditsDomainError && error.code === CreditsErrorCode.PeriodOutdated)
      return [];
    throw error;
  }
}

export interface HistoryRun {
  states: WorkspaceState[];
  events: CreditEvent[];
  perCommand: {
    command: WorkspaceCommand;
    before: WorkspaceState;
    after: WorkspaceState;
    events: CreditEvent[];
  }[];
}

export function runHistory(commands: WorkspaceCommand[]): HistoryRun {
  let state = initialWorkspaceState(ws);
  const result: HistoryRun = { states: [state], events: [], perCommand: [] };
  for (const command of commands) {
    const events = decideOrRefuse(command, state);
    const after = events.reduce(evolve, state);
    result.perCommand.push({ command, before: state, after, events });
    result.events.push(...events);
    result.states.push(after);
    state = after;
  }
  return result;
}

/** Random command histories of one workspace (`fixtureWorkspaceId`). */
export const historyArb = fc.array(stepArb, { minLength: 1, maxLength: 60 }).map(commandsOf);
