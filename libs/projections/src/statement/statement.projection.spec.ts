import type { CreditEvent } from '@tally/credits';
import { movementOf } from './statement.projection';

describe('the statement line of an event', () => {
  it('stops with an assertion naming an event type the switch does not know, bigint amounts and all', () => {
    const unknown = {
      type: 'CreditPoolAllocated',
      data: { amountMicro: 5n },
    } as unknown as CreditEvent;
    expect(() => movementOf(unknown)).toThrow(
      'assertion failed: unhandled credit event {"type":"CreditPoolAllocated","data":{"amountMicro":"5"}}',
    );
  });
});
