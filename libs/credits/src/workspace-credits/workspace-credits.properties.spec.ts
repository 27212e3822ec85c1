import fc from 'fast-check';
import { decideOrRefuse, fixtureWorkspaceId as ws, historyArb, runHistory } from '@tally/testing';
import type { CreditEvent } from './workspace-credits.events';
import { evolve } from './workspace-credits.evolve';
import {
  bucketsOf,
  heldMicroOf,
  initialWorkspaceState,
  statusFor,
  totalAvailableOf,
  WorkspaceState,
} from './workspace-credits.state';

const runs = { numRuns: 300 };

/** Σ of a µcr field over events of one type. */
function sum(events: CreditEvent[], pick: (event: CreditEvent) => bigint | undefined): bigint {
  return events.reduce((total, event) => total + (pick(event) ?? 0n), 0n);
}

describe('workspace credits invariants', () => {
  it('never reports a negative bucket or total available', () => {
    fc.assert(
      fc.property(historyArb, (commands) => {
        for (const state of runHistory(commands).states) {
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
  it('reconciles every µcr that came in with what was used, expired or is still in the buckets', () => {
    fc.assert(
      fc.property(historyArb, (commands) => {
        const { events, states } = runHistory(commands);
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
          debited + expiredAtClose + grantsExpired + bucketsOf(state) - state.overdraftMicro,
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
        for (const state of runHistory(commands).states) {
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
        const { perCommand } = runHistory(commands);
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
        const { events, states } = runHistory(commands);
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
        for (const { command, after } of runHistory(commands).perCommand) {
          if (command.type === 'DebitAction') continue;
          expect(
            decideOrRefuse({ ...command, commandId: `${command.commandId}-again` }, after),
          ).toEqual([]);
        }
      }),
      runs,
    );
  });

  it('holds only what was available, and a hold never goes negative', () => {
    fc.assert(
      fc.property(historyArb, (commands) => {
        let reservedCount = 0;
        for (const { before, events } of runHistory(commands).perCommand) {
          let state = before;
          for (const event of events) {
            if (event.type === 'CreditsReserved') {
              reservedCount += 1;
              expect(event.data.amountMicro).toBeGreaterThan(0n);
              expect(event.data.amountMicro <= totalAvailableOf(state)).toBe(true);
            }
            state = evolve(state, event);
            const held = state.reservations.reduce((sum, held) => sum + heldMicroOf(held), 0n);
            expect(state.reservedMicro).toBe(held);
            expect(state.reservedMicro >= 0n).toBe(true);
          }
        }
        return reservedCount >= 0;
      }),
      runs,
    );
  });

  it('returns exactly the unspent part on release and expiry, and draws no more than is held', () => {
    fc.assert(
      fc.property(historyArb, (commands) => {
        for (const { before, events } of runHistory(commands).perCommand) {
          let state = before;
          for (const event of events) {
            const named =
              event.type === 'ReservationReleased' || event.type === 'ReservationExpired'
                ? event.data.reservationId
                : event.type === 'CreditDebited'
                  ? event.data.reservationId
                  : null;
            const reservation = state.reservations.find((held) => held.reservationId === named);
            const next = evolve(state, event);
            if (event.type === 'ReservationReleased' || event.type === 'ReservationExpired') {
              expect(reservation).toBeDefined();
              expect(event.data.releasedMicro).toBe(heldMicroOf(reservation!));
              expect(state.reservedMicro - next.reservedMicro).toBe(event.data.releasedMicro);
            }
            if (event.type === 'CreditDebited') {
              const heldBefore = reservation === undefined ? 0n : heldMicroOf(reservation);
              expect(event.data.reservationFound).toBe(reservation !== undefined);
              const drawn = event.data.reservationDrawnMicro;
              expect(drawn).toBe(
                heldBefore < event.data.amountMicro ? heldBefore : event.data.amountMicro,
              );
              expect(state.reservedMicro - next.reservedMicro).toBe(drawn);
            }
            state = next;
          }
        }
      }),
      runs,
    );
  });

  it('holds no reservation past its expiresAt once any command is decided after it', () => {
    fc.assert(
      fc.property(historyArb, (commands) => {
        for (const { command, after, events } of runHistory(commands).perCommand) {
          // A refused or recognised command decides nothing, expiry included (the scheduler's
          // ExpireDue applies it on time).
          if (events.length === 0) continue;
          for (const held of after.reservations)
            expect(Date.parse(held.expiresAt) > Date.parse(command.processedAt)).toBe(true);
        }
      }),
      runs,
    );
  });
});
