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
  | { kind: 'debit'; action: ActionToPrice; reservation: number | null }
  | { kind: 'reserve'; amount: bigint; ref: number; expiresInHours: number }
  | { kind: 'release'; ref: number }
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
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('debit' as const),
      action: actionArb,
      reservation: fc.option(fc.nat({ max: 4 }), { nil: null, freq: 2 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('reserve' as const),
      amount: fc.bigInt({ min: 0n, max: 8_000_000n }),
      ref: fc.nat({ max: 4 }),
      expiresInHours: fc.integer({ min: 0, max: 30 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('release' as const), ref: fc.nat({ max: 4 }) }),
  },
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

type StepBase = { commandId: string; occurredAt: string; processedAt: string };

function periodCommand(
  step: Extract<Step, { kind: 'period' }>,
  base: StepBase,
  nowMs: number,
  periodStarts: number[],
): WorkspaceCommand {
  const last = periodStarts.at(-1);
  const startAtMs =
    step.replay === 'same' && last !== undefined
      ? last
      : step.replay === 'older' && last !== undefined
        ? last - 40 * 24 * hourMs
        : nowMs;
  if (startAtMs === nowMs) periodStarts.push(nowMs);
  const periodEnd = startAtMs + (step.cycle === 'monthly' ? 30 : 365) * 24 * hourMs;
  return openPeriod({
    ...base,
    cycle: step.cycle,
    periodStart: new Date(startAtMs).toISOString(),
    periodEnd: new Date(periodEnd).toISOString(),
    ...(step.allocationMicro === undefined ? {} : { allocationMicro: step.allocationMicro }),
  });
}

function reservationCommand(
  step: Extract<Step, { kind: 'reserve' | 'release' }>,
  base: StepBase,
  nowMs: number,
): WorkspaceCommand {
  const reservationId = `run-${step.ref}`;
  if (step.kind === 'release')
    return { ...base, type: 'ReleaseReservation', workspaceId: ws, reservationId };
  return {
    ...base,
    type: 'Reserve',
    workspaceId: ws,
    reservationId,
    amountMicro: step.amount,
    expiresAt: new Date(nowMs + step.expiresInHours * hourMs).toISOString(),
  };
}

function stepCommand(
  step: Exclude<Step, { kind: 'wait' }>,
  base: StepBase,
  nowMs: number,
  periodStarts: number[],
): WorkspaceCommand {
  switch (step.kind) {
    case 'period':
      return periodCommand(step, base, nowMs, periodStarts);
    case 'debit':
      return debitAction(step.action, {
        ...base,
        ...(step.reservation === null ? {} : { reservationId: `run-${step.reservation}` }),
      });
    case 'reserve':
    case 'release':
      return reservationCommand(step, base, nowMs);
    case 'pack':
      return addCreditPack(step.credits, { ...base, paymentRef: `pay-${step.ref}` });
    case 'grant': {
      const expiresAt =
        step.expiresInHours === null
          ? undefined
          : new Date(nowMs + step.expiresInHours * hourMs).toISOString();
      return grantCredits(step.credits, {
        ...base,
        reference: `grant-${step.ref}`,
        ...(expiresAt === undefined ? {} : { expiresAt }),
      });
    }
  }
}

/** Turns steps into commands on a forward-moving clock. */
function commandsOf(steps: Step[]): WorkspaceCommand[] {
  let nowMs = startMs;
  const periodStarts: number[] = [];
  const commands: WorkspaceCommand[] = [];
  steps.forEach((step, index) => {
    nowMs += hourMs;
    if (step.kind === 'wait') {
      nowMs += step.hours * hourMs;
      return;
    }
    const at = new Date(nowMs).toISOString();
    const base = { commandId: `c-${index}`, occurredAt: at, processedAt: at };
    commands.push(stepCommand(step, base, nowMs, periodStarts));
  });
  return commands;
}

// Refusals a random history runs into on purpose; any other throw is a bug.
const EXPECTED_REFUSALS: ReadonlySet<string> = new Set([
  CreditsErrorCode.PeriodOutdated,
  CreditsErrorCode.CreditsInsufficient,
  CreditsErrorCode.InvalidAmount,
  CreditsErrorCode.InvalidInstant,
]);

/** The events a command decides, or none when the domain refuses it as a history may expect. */
export function decideOrRefuse(command: WorkspaceCommand, state: WorkspaceState): CreditEvent[] {
  try {
    return decide(command, state);
  } catch (error) {
    if (error instanceof CreditsDomainError && EXPECTED_REFUSALS.has(error.code)) return [];
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
