import fc from 'fast-check';
import type { ActionToPrice, WorkspaceCommand } from './workspace-credits.commands';
import {
  decodeCreditEvent,
  decodeWorkspaceState,
  encodeCreditEvent,
  encodeWorkspaceState,
} from './workspace-credits.codec';
import { decide } from './workspace-credits.decide';
import type { CreditEvent } from './workspace-credits.events';
import { CreditsDomainError, CreditsErrorCode } from './workspace-credits.errors';
import { evolve } from './workspace-credits.evolve';
import {
  addCreditPack,
  debitAction,
  fixtureWorkspaceId as ws,
  grantCredits,
  openPeriod,
} from './workspace-credits.fixtures';
import {
  initialWorkspaceState,
  statusFor,
  totalAvailableOf,
  WorkspaceState,
} from './workspace-credits.state';

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
function decideOrRefuse(command: WorkspaceCommand, state: WorkspaceState): CreditEvent[] {
  try {
    return decide(command, state);
  } catch (error) {
    if (error instanceof CreditsDomainError && error.code === CreditsErrorCode.PeriodOutdated)
      return [];
    throw error;
  }
}

interface Run {
  states: WorkspaceState[];
  events: CreditEvent[];
  perCommand: {
    command: WorkspaceCommand;
    before: WorkspaceState;
    after: WorkspaceState;
    events: CreditEvent[];
  }[];
}

function run(commands: WorkspaceCommand[]): Run {
  let state = initialWorkspaceState(ws);
  const result: Run = { states: [state], events: [], perCommand: [] };
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

const historyArb = fc.array(stepArb, { minLength: 1, maxLength: 60 }).map(commandsOf);
const runs = { numRuns: 300 };

/** Σ of a µcr field over events of one type. */
function sum(events: CreditEvent[], pick: (event: CreditEvent) => bigint | undefined): bigint {
  return events.reduce((total, event) => total + (pick(event) ?? 0n), 0n);
}

describe('workspace credits invariants', () => {
  it('never reports a negative bucket or total available', () => {
    fc.assert(
      fc.property(historyArb, (commands) => {
        for (const state of run(commands).states) {
          for (const amount of [
            state.allocationRemainingMicro,
            state.rolloverMicro,
            state.grantedMicro,
            state.purchasedMicro,
            state.overdraftMicro,
          ]) {
            expect(amount >= 0n).toBe(true);
          }
          expect(state.grantedMicro).toBe(
            state.grants.reduce((total, grant) => total + grant.remainingMicro, 0n),
          );
        }
      }),
      runs,
    );
  });

  // Conservation: allocated + granted + bought + overdraft forgiven
  //             = debited + expired at close + grants expired + total available − overdraft.
  it('reconciles every µcr that came in with what was used, expired or is still available', () => {
    fc.assert(
      fc.property(historyArb, (commands) => {
        const { events, states } = run(commands);
        const state = states.at(-1) as WorkspaceState;
        const allocated = sum(events, (e) =>
          e.type === 'CreditPeriodOpened' ? e.data.allocationMicro : undefined,
        );
        const granted = sum(events, (e) =>
          e.type === 'CreditsGranted' ? e.data.creditsMicro : undefined,
        );
        const bought = sum(events, (e) =>
          e.type === 'CreditPackAdded' ? e.data.creditsMicro : undefined,
        );
        const forgiven = sum(events, (e) =>
          e.type === 'CreditPeriodClosed' || e.type === 'CreditPeriodOpened'
            ? e.data.overdraftForgivenMicro
            : undefined,
        );
        const debited = sum(events, (e) =>
          e.type === 'CreditDebited' ? e.data.amountMicro : undefined,
        );
        const expiredAtClose = sum(events, (e) =>
          e.type === 'CreditPeriodClosed' ? e.data.expiredMicro : undefined,
        );
        const grantsExpired = sum(events, (e) =>
          e.type === 'CreditGrantExpired' ? e.data.expiredMicro : undefined,
        );
        expect(allocated + granted + bought + forgiven).toBe(
          debited + expiredAtClose + grantsExpired + totalAvailableOf(state) - state.overdraftMicro,
        );
        for (const event of events) {
          if (event.type === 'CreditPeriodClosed')
            expect(event.data.unusedMicro).toBe(
              event.data.rolledOverMicro + event.data.expiredMicro,
            );
          if (event.type === 'CreditDebited') {
            const { rolloverMicro, allocationMicro, grantedMicro, purchasedMicro, overdraftMicro } =
              event.data.split;
            expect(
              rolloverMicro + allocationMicro + grantedMicro + purchasedMicro + overdraftMicro,
            ).toBe(event.data.amountMicro);
          }
        }
      }),
      runs,
    );
  });

  it('never rolls over more than one allocation', () => {
    fc.assert(
      fc.property(historyArb, (commands) => {
        for (const state of run(commands).states) {
          if (state.period !== null)
            expect(state.rolloverMicro <= state.period.allocationMicro).toBe(true);
        }
      }),
      runs,
    );
  });

  it('keeps the recorded status equal to the one the balances call for, and usage equal to the period’s debits', () => {
    fc.assert(
      fc.property(historyArb, (commands) => {
        const { perCommand } = run(commands);
        let usedMicro = 0n;
        for (const { after, events } of perCommand) {
          for (const event of events) {
            if (event.type === 'CreditPeriodOpened') usedMicro = 0n;
            if (event.type === 'CreditDebited') usedMicro += event.data.amountMicro;
          }
          expect(after.status).toBe(statusFor(after.period, totalAvailableOf(after)));
          expect(after.usedThisPeriodMicro).toBe(usedMicro);
        }
      }),
      runs,
    );
  });

  it('rebuilds identical state by replay, and from the last CreditPeriodOpened alone', () => {
    fc.assert(
      fc.property(historyArb, (commands) => {
        const { events, states } = run(commands);
        const final = states.at(-1) as WorkspaceState;
        expect(events.reduce(evolve, initialWorkspaceState(ws))).toEqual(final);
        const lastOpened = events.map((event) => event.type).lastIndexOf('CreditPeriodOpened');
        if (lastOpened >= 0)
          expect(events.slice(lastOpened).reduce(evolve, initialWorkspaceState(ws))).toEqual(final);
      }),
      runs,
    );
  });

  it('changes nothing when a period start, paymentRef or grant reference is delivered again', () => {
    fc.assert(
      fc.property(historyArb, (commands) => {
        for (const { command, after } of run(commands).perCommand) {
          if (command.type === 'DebitAction') continue;
          expect(
            decideOrRefuse({ ...command, commandId: `${command.commandId}-again` }, after),
          ).toEqual([]);
        }
      }),
      runs,
    );
  });

  it('round-trips every event through the storage encoding exactly', () => {
    fc.assert(
      fc.property(historyArb, (commands) => {
        for (const event of run(commands).events) {
          const stored = JSON.parse(JSON.stringify(encodeCreditEvent(event))) as ReturnType<
            typeof encodeCreditEvent
          >;
          expect(decodeCreditEvent(stored)).toEqual(event);
        }
      }),
      runs,
    );
  });

  it('round-trips every state through the snapshot encoding, and evolving on from a snapshot equals replay', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), (commands, cut) => {
        const { events, states } = run(commands);
        for (const state of states) {
          const stored = JSON.parse(JSON.stringify(encodeWorkspaceState(state))) as Record<
            string,
            unknown
          >;
          expect(decodeWorkspaceState(stored)).toEqual(state);
        }
        const at = events.length === 0 ? 0 : cut % events.length;
        const snapshot = decodeWorkspaceState(
          JSON.parse(
            JSON.stringify(
              encodeWorkspaceState(events.slice(0, at).reduce(evolve, initialWorkspaceState(ws))),
            ),
          ),
        );
        expect(events.slice(at).reduce(evolve, snapshot)).toEqual(
          events.reduce(evolve, initialWorkspaceState(ws)),
        );
      }),
      runs,
    );
  });
});
