// Builders shared by the domain's specs and benchmark: commands with sensible defaults, so a
// test states only what matters to it.
import type {
  ActionToPrice,
  AddCreditPack,
  DebitAction,
  GrantCredits,
  OpenPeriod,
} from '@tally/credits';

export const fixtureWorkspaceId = 'ws-1';

type Overrides<T> = Partial<Omit<T, 'type'>>;

export function openPeriod(overrides: Overrides<OpenPeriod> = {}): OpenPeriod {
  const periodStart = overrides.periodStart ?? '2026-02-01T00:00:00.000Z';
  return {
    type: 'OpenPeriod',
    commandId: `period-${periodStart}`,
    workspaceId: fixtureWorkspaceId,
    occurredAt: periodStart,
    processedAt: periodStart,
    cycle: 'monthly',
    periodStart,
    periodEnd: '2026-03-01T00:00:00.000Z',
    ...overrides,
  };
}

export function debitAction(
  action: ActionToPrice,
  overrides: Overrides<DebitAction> = {},
): DebitAction {
  return {
    type: 'DebitAction',
    commandId: 'action-1',
    workspaceId: fixtureWorkspaceId,
    occurredAt: '2026-02-10T12:00:00.000Z',
    processedAt: '2026-02-10T12:00:01.000Z',
    source: 'workflow',
    action,
    ...overrides,
  };
}

export function addCreditPack(
  creditsMicro: bigint,
  overrides: Overrides<AddCreditPack> = {},
): AddCreditPack {
  return {
    type: 'AddCreditPack',
    commandId: 'pack-1',
    workspaceId: fixtureWorkspaceId,
    occurredAt: '2026-02-11T09:00:00.000Z',
    processedAt: '2026-02-11T09:00:00.000Z',
    creditsMicro,
    paymentRef: 'pay-1',
    ...overrides,
  };
}

export function grantCredits(
  creditsMicro: bigint,
  overrides: Overrides<GrantCredits> = {},
): GrantCredits {
  return {
    type: 'GrantCredits',
    commandId: 'grant-1',
    workspaceId: fixtureWorkspaceId,
    occurredAt: '2026-02-12T09:00:00.000Z',
    processedAt: '2026-02-12T09:00:00.000Z',
    grantType: 'compensation',
    creditsMicro,
    reference: 'grant-ref-1',
    ...overrides,
  };
}

/** An action the default price book prices at exactly `amountMicro` (claude-haiku-4 output at 5 µcr a token). */
export function actionCosting(amountMicro: bigint): ActionToPrice {
  if (amountMicro % 5n !== 0n)
    throw new Error('assertion failed: actionCosting needs a multiple of 5 µcr');
  return {
    kind: 'ai.generate',
    ai: {
      model: 'claude-haiku-4',
      inputTokens: 0,
      outputTokens: Number(amountMicro / 5n),
      cachedInputTokens: 0,
    },
  };
}
