import { AMOUNT_MICRO_MAX } from '@tally/contracts';
import type { DebitAction } from './workspace-credits.commands';
import { CreditsDomainError, CreditsErrorCode } from './workspace-credits.errors';
import type { CreditDebited, DebitSplit, GrantDebit } from './workspace-credits.events';
import { PriceBook, priceAction, priceBookAt } from '../price-books/price-book';
import { heldMicroOf, WorkspaceState } from './workspace-credits.state';

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
  // Written out rather than looped over a bucket list: this is the hot path, and comparisons
  // cost far less than the bigint arithmetic they let a debit skip.
  let restMicro = amountMicro;
  let rolloverMicro = 0n;
  if (restMicro > 0n && state.rolloverMicro > 0n) {
    rolloverMicro = restMicro < state.rolloverMicro ? restMicro : state.rolloverMicro;
    restMicro -= rolloverMicro;
  }
  let allocationMicro = 0n;
  if (restMicro > 0n && state.allocationRemainingMicro > 0n) {
    allocationMicro =
      restMicro < state.allocationRemainingMicro ? restMicro : state.allocationRemainingMicro;
    restMicro -= allocationMicro;
  }
  const grants: GrantDebit[] = [];
  let grantedMicro = 0n;
  for (const grant of state.grants) {
    if (restMicro === 0n) break;
    const takenMicro = restMicro < grant.remainingMicro ? restMicro : grant.remainingMicro;
    grants.push({ reference: grant.reference, amountMicro: takenMicro });
    grantedMicro += takenMicro;
    restMicro -= takenMicro;
  }
  let purchasedMicro = 0n;
  if (restMicro > 0n && state.purchasedMicro > 0n) {
    purchasedMicro = restMicro < state.purchasedMicro ? restMicro : state.purchasedMicro;
    restMicro -= purchasedMicro;
  }
  return {
    split: {
      rolloverMicro,
      allocationMicro,
      grantedMicro,
      purchasedMicro,
      overdraftMicro: restMicro,
    },
    grants,
  };
}

export function decideDebit(
  command: DebitAction,
  state: WorkspaceState,
  priceBooks: readonly PriceBook[],
): CreditDebited {
  const price = priceAction(command.action, priceBookAt(priceBooks, command.occurredAt));
  if (price.amountMicro > AMOUNT_MICRO_MAX) {
    // The boundary bounds every count so the default book cannot get here; a published book
    // with extreme rates could, and no single action may move more than any amount can hold.
    throw new CreditsDomainError(
      CreditsErrorCode.PriceTooLarge,
      `the action's price ${price.amountMicro} µcr exceeds the largest amount ${AMOUNT_MICRO_MAX}`,
    );
  }
  const { split, grants } = allocateDebit(state, price.amountMicro);
  const reservationId = command.reservationId ?? null;
  const reservation =
    reservationId === null || state.reservations.length === 0
      ? undefined
      : state.reservations.find((held) => held.reservationId === reservationId);
  const heldMicro = reservation === undefined ? 0n : heldMicroOf(reservation);
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
      reservationId,
      reservationFound: reservation !== undefined,
      reservationDrawnMicro: heldMicro < price.amountMicro ? heldMicro : price.amountMicro,
      periodStart: state.period?.start ?? null,
      occurredAt: command.occurredAt,
      processedAt: command.processedAt,
    },
  };
}
