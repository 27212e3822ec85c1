import { decodeCreditEvent, encodeCreditEvent } from './workspace-credits.codec';
import { CreditsErrorCode } from './workspace-credits.errors';
import type { CreditEvent } from './workspace-credits.events';

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

describe('credit event codec', () => {
  it('stores amounts as decimal strings and reads them back as bigint', () => {
    const encoded = encodeCreditEvent(packAdded);
    expect(encoded.data['creditsMicro']).toBe('10000000');
    expect(JSON.parse(JSON.stringify(encoded))).toEqual(encoded);
    expect(decodeCreditEvent(encoded)).toEqual(packAdded);
  });

  it('refuses a stored type this build does not know', () => {
    expect(() => decodeCreditEvent({ type: 'CreditTeleported', data: {} })).toThrow(expect.objectContaining({ code: CreditsErrorCode.UnknownEventType }));
  });

  it('refuses an amount that is not an integer string', () => {
    const encoded = encodeCreditEvent(packAdded);
    expect(() => decodeCreditEvent({ ...encoded, data: { ...encoded.data, creditsMicro: 1.5 } })).toThrow(expect.objectContaining({ code: CreditsErrorCode.MalformedEvent }));
  });
});
