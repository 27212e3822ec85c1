import type {
  CreditDebited,
  CreditEvent,
  CreditGrantExpired,
  CreditPeriodOpened,
  CreditsGrantedEvent,
  CreditsReserved,
} from './workspace-credits.events';
import {
  GrantBucket,
  heldMicroOf,
  insertGrant,
  insertReservation,
  PlannedStatus,
  remember,
  Reservation,
  WorkspaceState,
} from './workspace-credits.state';

// The replay path: total, never throws, and copies only what an event changes. Status moves
// only on CreditPeriodOpened and CreditStatusChanged, the facts that record it.

export function evolve(state: WorkspaceState, event: CreditEvent): WorkspaceState {
  switch (event.type) {
    case 'CreditPeriodOpened':
      return openedState(state.workspaceId, event.data);
    case 'CreditPeriodClosed':
      return { ...state, allocationRemainingMicro: 0n, rolloverMicro: 0n, overdraftMicro: 0n };
    case 'CreditDebited':
      return debitedState(state, event.data);
    case 'CreditPackAdded':
      return {
        ...state,
        overdraftMicro: state.overdraftMicro - event.data.overdraftPaidMicro,
        purchasedMicro: state.purchasedMicro + event.data.purchasedAddedMicro,
        recentPaymentRefs: remember(state.recentPaymentRefs, event.data.paymentRef),
      };
    case 'CreditsGranted':
      return grantedState(state, event.data);
    case 'CreditGrantExpired':
      return expiredState(state, event.data);
    case 'CreditStatusChanged':
      return withStatus(state, event.data.to);
    case 'CreditsReserved':
      return reservedState(state, event.data);
    case 'ReservationReleased':
    case 'ReservationExpired':
      return withoutReservation(state, event.data.reservationId);
    default:
      return unknownEvent(state, event);
  }
}

// A stored type this build does not know cannot reach here (decodeCreditEvent refuses it);
// the check keeps the switch exhaustive at compile time.
function unknownEvent(state: WorkspaceState, event: never): WorkspaceState {
  void event;
  return state;
}

// Decide records a status change only while a period is open, and `to` is a planned status by
// type (the codec refuses another); a stored change on a workspace without a period has no
// period to give it, so it leaves the state as it is.
function withStatus(state: WorkspaceState, to: PlannedStatus): WorkspaceState {
  return state.period === null ? state : { ...state, status: to };
}

function openedState(workspaceId: string, data: CreditPeriodOpened['data']): WorkspaceState {
  const grants = data.grants.map((grant) => ({ ...grant }));
  const reservations = data.reservations.map((reservation) => ({ ...reservation }));
  return {
    workspaceId,
    status: data.status,
    period: {
      cycle: data.cycle,
      start: data.periodStart,
      end: data.periodEnd,
      allocationMicro: data.allocationMicro,
    },
    allocationRemainingMicro: data.allocationMicro,
    rolloverMicro: data.rolloverMicro,
    grants,
    grantedMicro: grants.reduce((sum, grant) => sum + grant.remainingMicro, 0n),
    purchasedMicro: data.purchasedMicro,
    overdraftMicro: 0n,
    usedThisPeriodMicro: 0n,
    reservations,
    reservedMicro: reservations.reduce((sum, reservation) => sum + heldMicroOf(reservation), 0n),
    recentPaymentRefs: [],
    recentGrantReferences: [],
  };
}

// Replayed once per debit, so written for speed: an explicit literal keeps one object shape
// (a spread with overrides measured ~5× slower), and zero parts skip their arithmetic.
function debitedState(state: WorkspaceState, data: CreditDebited['data']): WorkspaceState {
  const split = data.split;
  // Same field order as initialWorkspaceState, so every state shares one hidden class. Status
  // and period are copied together, so the result is of the same kind as `state`.
  return {
    workspaceId: state.workspaceId,
    status: state.status,
    period: state.period,
    allocationRemainingMicro:
      split.allocationMicro === 0n
        ? state.allocationRemainingMicro
        : state.allocationRemainingMicro - split.allocationMicro,
    rolloverMicro:
      split.rolloverMicro === 0n ? state.rolloverMicro : state.rolloverMicro - split.rolloverMicro,
    grants: data.grants.length === 0 ? state.grants : debitGrants(state.grants, data.grants),
    grantedMicro:
      split.grantedMicro === 0n ? state.grantedMicro : state.grantedMicro - split.grantedMicro,
    purchasedMicro:
      split.purchasedMicro === 0n
        ? state.purchasedMicro
        : state.purchasedMicro - split.purchasedMicro,
    overdraftMicro:
      split.overdraftMicro === 0n
        ? state.overdraftMicro
        : state.overdraftMicro + split.overdraftMicro,
    usedThisPeriodMicro: state.usedThisPeriodMicro + data.amountMicro,
    reservations:
      data.reservationFound && data.reservationId !== null
        ? spendReservation(state.reservations, data.reservationId, data.amountMicro)
        : state.reservations,
    reservedMicro:
      data.reservationDrawnMicro === 0n
        ? state.reservedMicro
        : state.reservedMicro - data.reservationDrawnMicro,
    recentPaymentRefs: state.recentPaymentRefs,
    recentGrantReferences: state.recentGrantReferences,
  } as WorkspaceState;
}

function debitGrants(
  grants: readonly GrantBucket[],
  debits: CreditDebited['data']['grants'],
): GrantBucket[] {
  const next: GrantBucket[] = [];
  for (const grant of grants) {
    const debit = debits.find((candidate) => candidate.reference === grant.reference);
    const remainingMicro =
      debit === undefined ? grant.remainingMicro : grant.remainingMicro - debit.amountMicro;
    // A used-up grant leaves the list so state stays small; its reference is still remembered.
    if (remainingMicro > 0n) next.push(debit === undefined ? grant : { ...grant, remainingMicro });
  }
  return next;
}

function grantedState(state: WorkspaceState, data: CreditsGrantedEvent['data']): WorkspaceState {
  const grants =
    data.grantedAddedMicro > 0n
      ? insertGrant(state.grants, {
          reference: data.reference,
          grantType: data.grantType,
          remainingMicro: data.grantedAddedMicro,
          expiresAt: data.expiresAt,
        })
      : state.grants;
  return {
    ...state,
    overdraftMicro: state.overdraftMicro - data.overdraftPaidMicro,
    grants,
    grantedMicro: state.grantedMicro + data.grantedAddedMicro,
    recentGrantReferences: remember(state.recentGrantReferences, data.reference),
  };
}

function expiredState(state: WorkspaceState, data: CreditGrantExpired['data']): WorkspaceState {
  const grants = state.grants.filter((grant) => grant.reference !== data.reference);
  if (grants.length === state.grants.length) return state;
  return { ...state, grants, grantedMicro: state.grantedMicro - data.expiredMicro };
}

function spendReservation(
  reservations: readonly Reservation[],
  reservationId: string,
  amountMicro: bigint,
): Reservation[] {
  return reservations.map((reservation) =>
    reservation.reservationId === reservationId
      ? { ...reservation, spentMicro: reservation.spentMicro + amountMicro }
      : reservation,
  );
}

function reservedState(state: WorkspaceState, data: CreditsReserved['data']): WorkspaceState {
  const reservation: Reservation = {
    reservationId: data.reservationId,
    amountMicro: data.amountMicro,
    spentMicro: 0n,
    expiresAt: data.expiresAt,
    createdAt: data.processedAt,
  };
  return {
    ...state,
    reservations: insertReservation(state.reservations, reservation),
    reservedMicro: state.reservedMicro + data.amountMicro,
  };
}

function withoutReservation(state: WorkspaceState, reservationId: string): WorkspaceState {
  const ended = state.reservations.find(
    (reservation) => reservation.reservationId === reservationId,
  );
  if (ended === undefined) return state;
  return {
    ...state,
    reservations: state.reservations.filter((reservation) => reservation !== ended),
    reservedMicro: state.reservedMicro - heldMicroOf(ended),
  };
}
