import type { ReleaseReservation, Reserve } from './workspace-credits.commands';
import { CreditsDomainError, CreditsErrorCode } from './workspace-credits.errors';
import type {
  CreditsReserved,
  ReservationExpired,
  ReservationReleased,
} from './workspace-credits.events';
import { LIVE_RESERVATIONS_MAX } from './workspace-credits.limits';
import {
  heldMicroOf,
  instantMs,
  Reservation,
  totalAvailableOf,
  WorkspaceState,
} from './workspace-credits.state';

// Reserve, then settle (design section 6): a hold is decided against the total available after
// every other live hold, in the same step that records it, so concurrent work can never
// together hold more than the workspace has. Debits that name the reservation draw on it
// (workspace-credits.debit.ts); release and expiry return exactly the unspent part.

export function liveReservation(
  state: WorkspaceState,
  reservationId: string,
): Reservation | undefined {
  return state.reservations.find((reservation) => reservation.reservationId === reservationId);
}

export function assertReservable(command: Reserve, state: WorkspaceState): void {
  if (command.amountMicro <= 0n) {
    throw new CreditsDomainError(CreditsErrorCode.InvalidAmount, 'amountMicro must be positive');
  }
  if (!(instantMs(command.expiresAt) > instantMs(command.processedAt))) {
    throw new CreditsDomainError(
      CreditsErrorCode.InvalidInstant,
      `expiresAt "${command.expiresAt}" must be an instant after now (${command.processedAt})`,
    );
  }
  if (state.reservations.length >= LIVE_RESERVATIONS_MAX) {
    throw new CreditsDomainError(
      CreditsErrorCode.LiveReservationsLimitReached,
      `a workspace holds at most ${LIVE_RESERVATIONS_MAX} live reservations`,
    );
  }
}

/** Holds the amount when the total available after every live hold covers it; refuses otherwise. */
export function decideReserve(command: Reserve, state: WorkspaceState): CreditsReserved {
  const totalAvailableMicro = totalAvailableOf(state);
  if (command.amountMicro > totalAvailableMicro) {
    throw new CreditsDomainError(
      CreditsErrorCode.CreditsInsufficient,
      `${command.amountMicro} µcr asked, ${totalAvailableMicro} µcr available`,
      { totalAvailableMicro },
    );
  }
  return {
    type: 'CreditsReserved',
    data: {
      workspaceId: state.workspaceId,
      sourceEventId: command.commandId,
      reservationId: command.reservationId,
      amountMicro: command.amountMicro,
      expiresAt: command.expiresAt,
      totalAvailableMicro: totalAvailableMicro - command.amountMicro,
      occurredAt: command.occurredAt,
      processedAt: command.processedAt,
    },
  };
}

function endedData(state: WorkspaceState, reservation: Reservation, processedAt: string) {
  return {
    workspaceId: state.workspaceId,
    reservationId: reservation.reservationId,
    amountMicro: reservation.amountMicro,
    spentMicro: reservation.spentMicro,
    releasedMicro: heldMicroOf(reservation),
    expiresAt: reservation.expiresAt,
    processedAt,
  };
}

/** Ends a held reservation; one that is not held decides nothing (isDuplicate answers first). */
export function releaseReservation(
  command: ReleaseReservation,
  state: WorkspaceState,
): ReservationReleased[] {
  const reservation = liveReservation(state, command.reservationId);
  if (reservation === undefined) return [];
  return [
    {
      type: 'ReservationReleased',
      data: {
        ...endedData(state, reservation, command.processedAt),
        occurredAt: command.occurredAt,
      },
    },
  ];
}

/** Reservations are kept soonest-expiring first, so only a prefix can have lapsed. */
export function expireReservations(
  state: WorkspaceState,
  processedAt: string,
): ReservationExpired[] {
  if (state.reservations.length === 0) return [];
  const nowMs = instantMs(processedAt);
  const expired: ReservationExpired[] = [];
  for (const reservation of state.reservations) {
    if (!(instantMs(reservation.expiresAt) <= nowMs)) break;
    expired.push({ type: 'ReservationExpired', data: endedData(state, reservation, processedAt) });
  }
  return expired;
}
