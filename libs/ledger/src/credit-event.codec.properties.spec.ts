import fc from 'fast-check';
import { evolve, initialWorkspaceState } from '@tally/credits';
import { fixtureWorkspaceId as ws, historyArb, runHistory } from '@tally/testing';
import {
  decodeCreditEvent,
  decodeWorkspaceState,
  encodeCreditEvent,
  encodeWorkspaceState,
} from './credit-event.codec';

const runs = { numRuns: 300 };

describe('the stored form of credit events and states', () => {
  it('round-trips every event through the storage encoding exactly', () => {
    fc.assert(
      fc.property(historyArb, (commands) => {
        for (const event of runHistory(commands).events) {
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
        const { events, states } = runHistory(commands);
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
