import { deciderSpec } from './decider-spec';

type Command = { add: number };
type Event = { added: number };

const counter = deciderSpec<Command, number, Event>(
  (command, total) => {
    if (total + command.add > 10) throw new Error('over the limit');
    return [{ added: command.add }];
  },
  (total, event) => total + event.added,
  0,
);

describe('deciderSpec', () => {
  it('decides against the state the given events build', () => {
    counter
      .given([{ added: 4 }])
      .when({ add: 2 })
      .then([{ added: 2 }]);
    counter
      .given([{ added: 4 }])
      .when({ add: 2 })
      .thenState(6);
  });

  it('asserts a refused command', () => {
    counter
      .given([{ added: 9 }])
      .when({ add: 2 })
      .thenThrows('over the limit');
  });

  it('fails when the decided events differ', () => {
    expect(() =>
      counter
        .given([])
        .when({ add: 1 })
        .then([{ added: 2 }]),
    ).toThrow();
  });
});
