import { parseInboundMessage } from '@tally/contracts';
import { commandFromInbound } from './workspace-credits.from-inbound';

const processedAt = '2026-02-02T00:00:00.000Z';
const envelope = {
  eventId: 'e-1',
  schemaVersion: 1,
  occurredAt: '2026-02-01T00:00:00.000Z',
  workspaceId: 'ws-1',
};

function parsed(message: object) {
  const result = parseInboundMessage(JSON.stringify({ ...envelope, ...message }));
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

describe('commandFromInbound', () => {
  it('turns an ActionExecuted into a DebitAction keyed by the upstream eventId', () => {
    expect(
      commandFromInbound(
        parsed({ type: 'ActionExecuted', source: 'ai-chat', action: { kind: 'web.search' } }),
        processedAt,
      ),
    ).toEqual({
      type: 'DebitAction',
      commandId: 'e-1',
      workspaceId: 'ws-1',
      occurredAt: envelope.occurredAt,
      processedAt,
      source: 'ai-chat',
      action: { kind: 'web.search' },
    });
  });

  it('turns billing messages into OpenPeriod, AddCreditPack and GrantCredits', () => {
    const period = parsed({
      type: 'SubscriptionPeriodStarted',
      cycle: 'yearly',
      periodStart: '2026-02-01T00:00:00Z',
      periodEnd: '2027-02-01T00:00:00Z',
    });
    expect(commandFromInbound(period, processedAt)).toMatchObject({
      type: 'OpenPeriod',
      cycle: 'yearly',
      periodStart: '2026-02-01T00:00:00.000Z',
    });
    expect('allocationMicro' in commandFromInbound(period, processedAt)).toBe(false);
    const pack = parsed({ type: 'CreditPackPurchased', credits: '10', paymentRef: 'pay-1' });
    expect(commandFromInbound(pack, processedAt)).toMatchObject({
      type: 'AddCreditPack',
      creditsMicro: 10_000_000n,
      paymentRef: 'pay-1',
    });
    const grant = parsed({
      type: 'CreditsGranted',
      grantType: 'onboarding',
      credits: '2.5',
      reference: 'r-1',
      expiresAt: '2026-03-01T00:00:00Z',
    });
    expect(commandFromInbound(grant, processedAt)).toMatchObject({
      type: 'GrantCredits',
      creditsMicro: 2_500_000n,
      expiresAt: '2026-03-01T00:00:00.000Z',
    });
  });
});
