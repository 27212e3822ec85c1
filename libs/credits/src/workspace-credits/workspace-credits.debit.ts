import type { DebitAction } from './workspace-credits.commands';
import type { CreditDebited, DebitSplit, GrantDebit } from './workspace-credits.events';
import { PriceBook, priceAction } from './workspace-credits.price-book';
import type { WorkspaceState } from './workspace-credits.state';

export interface DebitAllocation {
  split: DebitSplit;
  grants: GrantDebit[];
}

/**
 * Splits an amount over the buckets in the pinned order: rollover, period allocation, grants
 * (state keeps them soonest-expiring first), purchased; what none covers is overdraft, because
 * the action already ran.
 */
export function allocateDebit(state: WorkspaceState, amountMicro: bigint): DebitAllocation {
  let restMicro = amountMicro;
  const take = (availableMicro: bigint): bigint => {
    const takenMicro = restMicro < availableMicro ? restMicro : availableMicro;
    restMicro -= takenMicro;
    return takenMicro;
  };
  const rolloverMicro = take(state.rolloverMicro);
  const allocationMicro = take(state.allocationRemainingMicro);
  const grants: GrantDebit[] = [];
  let grantedMicro = 0n;
  for (const grant of state.grants) {
    if (restMicro === 0n) break;
    const takenMicro = take(grant.remainingMicro);
    if (takenMicro > 0n) grants.push({ reference: grant.reference, amountMicro: takenMicro });
    grantedMicro += takenMicro;
  }
  const purchasedMicro = take(state.purchasedMicro);
  return {
    split: { rolloverMicro, allocationMicro, grantedMicro, purchasedMicro, overdraftMicro: restMicro },
    grants,
  };
}

export function decideDebit(command: DebitAction, state: WorkspaceState, priceBook: PriceBook): CreditDebited {
  const price = priceAction(command.action, priceBook);
  const { split, grants } = allocateDebit(state, price.amountMicro);
  return {
    type: 'CreditDebited',
    data: {
      workspaceId: state.workspaceId,
      sourceEventId: command.commandId,
      source: command.source,
      actionKind: command.action.kind,
      model: command.action.ai?.model ?? null,
      amountMicro: price.amountMicro,
      rule: price.rule,
      priceBookVersion: price.priceBookVersion,
      fallback: price.fallback,
      split,
      grants,
      periodStart: state.period?.start ?? null,
      occurredAt: command.occurredAt,
      processedAt: command.processedAt,
    },
  };
}
