import type { CreditEvent } from '@tally/credits';
import { FALLBACK_MODEL_LABELS_MAX, LedgerMetrics } from './ledger.metrics';

function debit(model: string | null, fallback: boolean): CreditEvent {
  return {
    type: 'CreditDebited',
    data: {
      workspaceId: 'ws-1',
      sourceEventId: 'e-1',
      source: 'ai-agent',
      actionKind: 'ai.generate',
      model,
      amountMicro: 1n,
      rule: fallback ? 'ai.generate:fallback' : `ai.generate:${model}`,
      priceBookVersion: 'v',
      fallback,
      split: {
        rolloverMicro: 0n,
        allocationMicro: 1n,
        grantedMicro: 0n,
        purchasedMicro: 0n,
        overdraftMicro: 0n,
      },
      grants: [],
      reservationId: null,
      reservationFound: false,
      reservationDrawnMicro: 0n,
      periodStart: null,
      occurredAt: '2026-01-01T00:00:00.000Z',
      processedAt: '2026-01-01T00:00:00.000Z',
    },
  };
}

async function fallbackCounts(metrics: LedgerMetrics): Promise<Record<string, number>> {
  const { values } = await metrics.fallbackPriced.get();
  return Object.fromEntries(values.map((value) => [String(value.labels.model), value.value]));
}

describe('LedgerMetrics.countApplied', () => {
  it('counts every debit, and those priced at the fallback rate by model', async () => {
    const metrics = new LedgerMetrics();
    metrics.countApplied([debit('gpt-4o', false), debit('gpt-9', true), debit('gpt-9', true)]);
    expect((await metrics.debited.get()).values[0]?.value).toBe(3);
    expect(await fallbackCounts(metrics)).toEqual({ 'gpt-9': 2 });
  });

  it('keeps at most FALLBACK_MODEL_LABELS_MAX models, counting the rest as other', async () => {
    const metrics = new LedgerMetrics();
    const models = Array.from(
      { length: FALLBACK_MODEL_LABELS_MAX + 5 },
      (_, index) => `m-${index}`,
    );
    metrics.countApplied(models.map((model) => debit(model, true)));
    const counts = await fallbackCounts(metrics);
    expect(Object.keys(counts)).toHaveLength(FALLBACK_MODEL_LABELS_MAX + 1);
    expect(counts['other']).toBe(5);
  });
});
