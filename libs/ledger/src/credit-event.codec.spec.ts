import {
  decodeCreditEvent,
  decodeWorkspaceState,
  encodeCreditEvent,
  encodeWorkspaceState,
  withStoredDefaults,
} from './credit-event.codec';
import { CreditEvent, CreditsErrorCode, initialWorkspaceState } from '@tally/credits';

const packAdded: CreditEvent = {
  type: 'CreditPackAdded',
  data: {
    workspaceId: 'ws-1',
    sourceEventId: 'e-1',
    paymentRef: 'pay-1',
    creditsMicro: 10_000_000n,
    overdraftPaidMicro: 1n,
    purchasedAddedMicro: 9_999_999n,
    occurredAt: '2026-02-01T00:00:00.000Z',
    processedAt: '2026-02-01T00:00:00.000Z',
  },
};

const debited = (
  overrides: Partial<Extract<CreditEvent, { type: 'CreditDebited' }>['data']> = {},
): CreditEvent => ({
  type: 'CreditDebited',
  data: {
    workspaceId: 'ws-1',
    sourceEventId: 'e-2',
    source: 'workflow',
    actionKind: 'record.create',
    model: null,
    amountMicro: 100n,
    rule: 'record.create',
    priceBookVersion: '2026-01-default',
    fallback: false,
    split: {
      rolloverMicro: 0n,
      allocationMicro: 100n,
      grantedMicro: 0n,
      purchasedMicro: 0n,
      overdraftMicro: 0n,
    },
    grants: [],
    reservationId: null,
    reservationFound: false,
    reservationDrawnMicro: 0n,
    periodStart: '2026-02-01T00:00:00.000Z',
    occurredAt: '2026-02-02T00:00:00.000Z',
    processedAt: '2026-02-02T00:00:00.001Z',
    ...overrides,
  },
});

describe('credit event codec', () => {
  it('stores a debit without its defaults (zero split parts, no grants, no model, no fallback) and reads it back whole', () => {
    const encoded = encodeCreditEvent(debited());
    expect(encoded.data).not.toHaveProperty('model');
    expect(encoded.data).not.toHaveProperty('fallback');
    expect(encoded.data).not.toHaveProperty('grants');
    expect(encoded.data['split']).toEqual({ allocationMicro: '100' });
    expect(decodeCreditEvent(JSON.parse(JSON.stringify(encoded)))).toEqual(debited());
  });

  it('keeps what differs from the defaults in a stored debit', () => {
    const aiDebit = debited({
      actionKind: 'ai.generate',
      model: 'mystery-model',
      fallback: true,
      rule: 'ai.generate:fallback',
      amountMicro: 300n,
      split: {
        rolloverMicro: 50n,
        allocationMicro: 0n,
        grantedMicro: 200n,
        purchasedMicro: 0n,
        overdraftMicro: 50n,
      },
      grants: [{ reference: 'g-1', amountMicro: 200n }],
    });
    const encoded = encodeCreditEvent(aiDebit);
    expect(encoded.data).toMatchObject({
      model: 'mystery-model',
      fallback: true,
      grants: [{ reference: 'g-1', amountMicro: '200' }],
    });
    expect(encoded.data['split']).toEqual({
      rolloverMicro: '50',
      grantedMicro: '200',
      overdraftMicro: '50',
    });
    expect(decodeCreditEvent(encoded)).toEqual(aiDebit);
  });

  it('reads debits stored whole (before defaults were left out) the same way', () => {
    const whole = {
      ...encodeCreditEvent(debited()).data,
      model: null,
      fallback: false,
      grants: [],
    };
    (whole as Record<string, unknown>)['split'] = {
      rolloverMicro: '0',
      allocationMicro: '100',
      grantedMicro: '0',
      purchasedMicro: '0',
      overdraftMicro: '0',
    };
    // Debits stored before reservations existed read as naming none.
    expect(withStoredDefaults('CreditDebited', whole)).toEqual({
      ...whole,
      reservationId: null,
      reservationFound: false,
      reservationDrawnMicro: '0',
    });
    expect(decodeCreditEvent({ type: 'CreditDebited', data: whole })).toEqual(debited());
  });

  it('stores amounts as decimal strings and reads them back as bigint', () => {
    const encoded = encodeCreditEvent(packAdded);
    expect(encoded.data['creditsMicro']).toBe('10000000');
    expect(JSON.parse(JSON.stringify(encoded))).toEqual(encoded);
    expect(decodeCreditEvent(encoded)).toEqual(packAdded);
  });

  it('refuses a debit whose amount or split part is not an integer string', () => {
    const encoded = encodeCreditEvent(debited());
    expect(() =>
      decodeCreditEvent({ ...encoded, data: { ...encoded.data, amountMicro: 100 } }),
    ).toThrow(expect.objectContaining({ code: CreditsErrorCode.MalformedEvent }));
    expect(() =>
      decodeCreditEvent({ ...encoded, data: { ...encoded.data, split: { grantedMicro: '1.5' } } }),
    ).toThrow(expect.objectContaining({ code: CreditsErrorCode.MalformedEvent }));
  });

  it('refuses a stored type this build does not know', () => {
    expect(() => decodeCreditEvent({ type: 'CreditTeleported', data: {} })).toThrow(
      expect.objectContaining({ code: CreditsErrorCode.UnknownEventType }),
    );
  });

  it('refuses an amount that is not an integer string', () => {
    const encoded = encodeCreditEvent(packAdded);
    expect(() =>
      decodeCreditEvent({ ...encoded, data: { ...encoded.data, creditsMicro: 1.5 } }),
    ).toThrow(expect.objectContaining({ code: CreditsErrorCode.MalformedEvent }));
  });

  it('refuses a recorded status that only a workspace without a period has', () => {
    const changed = {
      workspaceId: 'ws-1',
      from: 'active',
      to: 'no_plan',
      totalAvailableMicro: '0',
      occurredAt: '2026-02-10T12:00:00.000Z',
      processedAt: '2026-02-10T12:00:00.000Z',
    };
    expect(() => decodeCreditEvent({ type: 'CreditStatusChanged', data: changed })).toThrow(
      expect.objectContaining({ code: CreditsErrorCode.MalformedEvent }),
    );
    expect(
      decodeCreditEvent({ type: 'CreditStatusChanged', data: { ...changed, to: 'low' } }).data,
    ).toMatchObject({ to: 'low' });
  });

  it('reads a state back only when its status and period agree', () => {
    const unplanned = encodeWorkspaceState(initialWorkspaceState('ws-1'));
    expect(decodeWorkspaceState(unplanned)).toEqual(initialWorkspaceState('ws-1'));
    const period = {
      cycle: 'monthly',
      start: '2026-11-01T00:00:00.000Z',
      end: '2026-12-01T00:00:00.000Z',
      allocationMicro: '5',
    };
    for (const broken of [
      { ...unplanned, status: 'active' },
      { ...unplanned, period },
      { ...unplanned, status: 'frozen', period },
    ]) {
      expect(() => decodeWorkspaceState(broken)).toThrow(
        expect.objectContaining({ code: CreditsErrorCode.MalformedEvent }),
      );
    }
    expect(decodeWorkspaceState({ ...unplanned, status: 'low', period }).status).toBe('low');
  });
});
