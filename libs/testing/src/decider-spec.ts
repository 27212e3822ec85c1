import { expect } from '@jest/globals';

export type Decide<Command, State, Event> = (command: Command, state: State) => Event[];
export type Evolve<State, Event> = (state: State, event: Event) => State;

export interface DeciderThen<State, Event> {
  /** Asserts the decided events, in order. */
  then(expected: Event[]): void;
  /** Asserts that deciding throws; `expected` as in Jest's `toThrow` (a class, message, regex or object). */
  thenThrows(expected?: unknown): void;
  /** Asserts the state after evolving the given events and the decided ones. */
  thenState(expected: State): void;
}

export interface DeciderWhen<Command, State, Event> {
  when(command: Command): DeciderThen<State, Event>;
}

export interface DeciderSpec<Command, State, Event> {
  given(events: Event[]): DeciderWhen<Command, State, Event>;
}

/**
 * given(events).when(command).then(events), the shape of every decider test: the given events
 * are evolved from `initial`, the command decided against the result.
 */
export function deciderSpec<Command, State, Event>(
  decide: Decide<Command, State, Event>,
  evolve: Evolve<State, Event>,
  initial: State | (() => State),
): DeciderSpec<Command, State, Event> {
  const initialState = (): State =>
    typeof initial === 'function' ? (initial as () => State)() : initial;
  return {
    given: (events) => ({
      when: (command) => {
        const state = events.reduce(evolve, initialState());
        return {
          then: (expected) => {
            expect(decide(command, state)).toEqual(expected);
          },
          thenThrows: (expected) => {
            const run = (): Event[] => decide(command, state);
            if (expected === undefined) expect(run).toThrow();
            else expect(run).toThrow(expected as never);
          },
          thenState: (expected) => {
            expect(decide(command, state).reduce(evolve, state)).toEqual(expected);
          },
        };
      },
    }),
  };
}
