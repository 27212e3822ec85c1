import type { ActionSource, BillingCycle, GrantType, WorkspaceStatus } from '@tally/contracts';
import type { PlannedStatus } from './workspace-credits.state';

// Stored facts. The `type` strings are frozen wire names (docs/events.md); amounts are bigint
// µcr in memory and decimal strings once encoded. In memory, absent values are `null`, never
// missing, so an event round-trips through JSON exactly. The stored `CreditDebited` leaves its
// defaults out (a null model, zero split parts, no grants…) and the codec puts them back on
// decode (libs/ledger/src/credit-event.codec.ts).

export const CreditEventTypes = {
  periodOpened: 'CreditPeriodOpened',
  periodClosed: 'CreditPeriodClosed',
  debited: 'CreditDebited',
  packAdded: 'CreditPackAdded',
  granted: 'CreditsGranted',
  grantExpired: 'CreditGrantExpired',
  statusChanged: 'CreditStatusChanged',
  reserved: 'CreditsReserved',
  reservationReleased: 'ReservationReleased',
  reservationExpired: 'ReservationExpired',
} as const;

export type CreditEventType = (typeof CreditEventTypes)[keyof typeof CreditEventTypes];

export interface GrantSnapshot {
  reference: string;
  grantType: GrantType;
  remainingMicro: bigint;
  expiresAt: string | null;
}

/** A live hold, as a period's opening carries it. */
export interface ReservationSnapshot {
  reservationId: string;
  amountMicro: bigint;
  spentMicro: bigint;
  expiresAt: string;
  createdAt: string;
}

/** Closes the books: the complete state at the start of a period. */
export interface CreditPeriodOpened {
  type: 'CreditPeriodOpened';
  data: {
    workspaceId: string;
    sourceEventId: string;
    cycle: BillingCycle;
    periodStart: string;
    periodEnd: string;
    allocationMicro: bigint;
    rolloverMicro: bigint;
    purchasedMicro: bigint;
    grants: GrantSnapshot[];
    /** Live holds carry over unchanged (events stored before reservations existed read as none). */
    reservations: ReservationSnapshot[];
    /** Overdraft run up before the first period ever opened, forgiven here. */
    overdraftForgivenMicro: bigint;
    status: PlannedStatus;
    occurredAt: string;
    processedAt: string;
  };
}

export interface CreditPeriodClosed {
  type: 'CreditPeriodClosed';
  data: {
    workspaceId: string;
    cycle: BillingCycle;
    periodStart: string;
    periodEnd: string;
    allocationMicro: bigint;
    usedMicro: bigint;
    unusedMicro: bigint;
    rolledOverMicro: bigint;
    expiredMicro: bigint;
    overdraftForgivenMicro: bigint;
    processedAt: string;
  };
}

export interface DebitSplit {
  rolloverMicro: bigint;
  allocationMicro: bigint;
  grantedMicro: bigint;
  purchasedMicro: bigint;
  overdraftMicro: bigint;
}

export interface GrantDebit {
  reference: string;
  amountMicro: bigint;
}

export interface CreditDebited {
  type: 'CreditDebited';
  data: {
    workspaceId: string;
    sourceEventId: string;
    source: ActionSource;
    actionKind: string;
    model: string | null;
    amountMicro: bigint;
    rule: string;
    priceBookVersion: string;
    fallback: boolean;
    split: DebitSplit;
    grants: GrantDebit[];
    /** The reservation the action named (null: none). */
    reservationId: string | null;
    /** Whether it was held in this workspace when the debit was decided; if not, nothing was drawn. */
    reservationFound: boolean;
    /** The part of the price the hold covered (the hold shrank by it). */
    reservationDrawnMicro: bigint;
    periodStart: string | null;
    occurredAt: string;
    processedAt: string;
  };
}

export interface CreditsReserved {
  type: 'CreditsReserved';
  data: {
    workspaceId: string;
    sourceEventId: string;
    reservationId: string;
    amountMicro: bigint;
    expiresAt: string;
    /** Total available after the hold. */
    totalAvailableMicro: bigint;
    occurredAt: string;
    processedAt: string;
  };
}

/** A hold ended: released by its caller, or expired at `expiresAt`. */
interface ReservationEnded {
  workspaceId: string;
  reservationId: string;
  amountMicro: bigint;
  spentMicro: bigint;
  /** The unspent hold, returned to available. */
  releasedMicro: bigint;
  expiresAt: string;
  processedAt: string;
}

export interface ReservationReleased {
  type: 'ReservationReleased';
  data: ReservationEnded & { occurredAt: string };
}

export interface ReservationExpired {
  type: 'ReservationExpired';
  data: ReservationEnded;
}

export interface CreditPackAdded {
  type: 'CreditPackAdded';
  data: {
    workspaceId: string;
    sourceEventId: string;
    paymentRef: string;
    creditsMicro: bigint;
    overdraftPaidMicro: bigint;
    purchasedAddedMicro: bigint;
    occurredAt: string;
    processedAt: string;
  };
}

export interface CreditsGrantedEvent {
  type: 'CreditsGranted';
  data: {
    workspaceId: string;
    sourceEventId: string;
    reference: string;
    grantType: GrantType;
    creditsMicro: bigint;
    overdraftPaidMicro: bigint;
    grantedAddedMicro: bigint;
    expiresAt: string | null;
    occurredAt: string;
    processedAt: string;
  };
}

export interface CreditGrantExpired {
  type: 'CreditGrantExpired';
  data: {
    workspaceId: string;
    reference: string;
    grantType: GrantType;
    expiredMicro: bigint;
    expiresAt: string;
    processedAt: string;
  };
}

export interface CreditStatusChanged {
  type: 'CreditStatusChanged';
  data: {
    workspaceId: string;
    from: WorkspaceStatus;
    to: PlannedStatus;
    totalAvailableMicro: bigint;
    occurredAt: string;
    processedAt: string;
  };
}

export type CreditEvent =
  | CreditPeriodOpened
  | CreditPeriodClosed
  | CreditDebited
  | CreditPackAdded
  | CreditsGrantedEvent
  | CreditGrantExpired
  | CreditStatusChanged
  | CreditsReserved
  | ReservationReleased
  | ReservationExpired;
