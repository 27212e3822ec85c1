import type { BillingCycle, WorkspaceStatus } from '@tally/contracts';
import type { GrantSnapshot, ReservationSnapshot } from './workspace-credits.events';
import { LOW_BALANCE_PERCENT, RECENT_REFERENCES_MAX } from './workspace-credits.limits';

export interface CreditPeriod {
  cycle: BillingCycle;
  start: string;
  end: string;
  allocationMicro: bigint;
}

export type GrantBucket = GrantSnapshot;

/** A live hold: `amountMicro` held until spent, released or expired. */
export type Reservation = ReservationSnapshot;

/** What every workspace holds, planned or not. */
interface WorkspaceBalances {
  workspaceId: string;
  allocationRemainingMicro: bigint;
  rolloverMicro: bigint;
  /** Open grants in consumption order: soonest `expiresAt` first, no expiry last. */
  grants: readonly GrantBucket[];
  /** Sum of `grants[].remainingMicro`, kept so a debit never sums the list. */
  grantedMicro: bigint;
  purchasedMicro: bigint;
  overdraftMicro: bigint;
  usedThisPeriodMicro: bigint;
  /** Live reservations, soonest `expiresAt` first (at most LIVE_RESERVATIONS_MAX). */
  reservations: readonly Reservation[];
  /** Sum of the live holds (`heldMicroOf`), kept so a debit never sums the list. */
  reservedMicro: bigint;
  /** Bounded (RECENT_REFERENCES_MAX), cleared when a period opens. */
  recentPaymentRefs: readonly string[];
  recentGrantReferences: readonly string[];
}

/** The statuses of a workspace whose period has opened. */
export type PlannedStatus = Exclude<WorkspaceStatus, 'no_plan'>;

/** No period has opened yet: nothing to allocate from, so no period by type. */
export interface UnplannedWorkspace extends WorkspaceBalances {
  status: 'no_plan';
  period: null;
}

/** A period is open; the status is what its balances call for (`statusFor`). */
export interface PlannedWorkspace extends WorkspaceBalances {
  status: PlannedStatus;
  period: CreditPeriod;
}

/**
 * Everything the decider needs, and nothing that grows with history: a debit copies this
 * object once. Keyed by status: `no_plan` is exactly the state without a period.
 */
export type WorkspaceState = UnplannedWorkspace | PlannedWorkspace;

/** The status and the period, which only go together as one of the two kinds. */
export type WorkspacePlan =
  Pick<UnplannedWorkspace, 'status' | 'period'> | Pick<PlannedWorkspace, 'status' | 'period'>;

export function initialWorkspaceState(workspaceId: string): WorkspaceState {
  return {
    workspaceId,
    status: 'no_plan',
    period: null,
    allocationRemainingMicro: 0n,
    rolloverMicro: 0n,
    grants: [],
    grantedMicro: 0n,
    purchasedMicro: 0n,
    overdraftMicro: 0n,
    usedThisPeriodMicro: 0n,
    reservations: [],
    reservedMicro: 0n,
    recentPaymentRefs: [],
    recentGrantReferences: [],
  };
}

/** What the buckets hold: allocation remaining + rollover + granted + purchased. */
export function bucketsOf(state: WorkspaceBalances): bigint {
  return (
    state.allocationRemainingMicro + state.rolloverMicro + state.grantedMicro + state.purchasedMicro
  );
}

/** The buckets less the live holds, never negative (design section 3). */
export function availableAfterHolds(bucketsMicro: bigint, reservedMicro: bigint): bigint {
  const available = bucketsMicro - reservedMicro;
  return available > 0n ? available : 0n;
}

export function totalAvailableOf(state: WorkspaceState): bigint {
  return availableAfterHolds(bucketsOf(state), state.reservedMicro);
}

/** The part of a reservation still held: what is not yet spent, never negative. */
export function heldMicroOf(reservation: Reservation): bigint {
  const held = reservation.amountMicro - reservation.spentMicro;
  return held > 0n ? held : 0n;
}

/** Inserts a reservation after every one that expires no later (soonest first). */
export function insertReservation(
  reservations: readonly Reservation[],
  reservation: Reservation,
): Reservation[] {
  const expiresMs = instantMs(reservation.expiresAt);
  const index = reservations.findIndex((existing) => expiresMs < instantMs(existing.expiresAt));
  if (index < 0) return [...reservations, reservation];
  return [...reservations.slice(0, index), reservation, ...reservations.slice(index)];
}

/** The status the balances call for; `no_plan` until a period has opened. */
export function statusFor(period: CreditPeriod, totalAvailableMicro: bigint): PlannedStatus;
export function statusFor(
  period: CreditPeriod | null,
  totalAvailableMicro: bigint,
): WorkspaceStatus;
export function statusFor(
  period: CreditPeriod | null,
  totalAvailableMicro: bigint,
): WorkspaceStatus {
  if (period === null) return 'no_plan';
  if (totalAvailableMicro <= 0n) return 'exhausted';
  if (totalAvailableMicro * 100n <= period.allocationMicro * LOW_BALANCE_PERCENT) return 'low';
  return 'active';
}

/** Appends to a bounded memory, forgetting the oldest entry when full. */
export function remember(list: readonly string[], value: string): readonly string[] {
  const kept =
    list.length >= RECENT_REFERENCES_MAX
      ? list.slice(list.length - RECENT_REFERENCES_MAX + 1)
      : list;
  return [...kept, value];
}

/** Inserts a grant after every grant that expires no later (stable consumption order). */
export function insertGrant(grants: readonly GrantBucket[], grant: GrantBucket): GrantBucket[] {
  const index = grants.findIndex((existing) => expiresBefore(grant, existing));
  if (index < 0) return [...grants, grant];
  return [...grants.slice(0, index), grant, ...grants.slice(index)];
}

function expiresBefore(a: GrantBucket, b: GrantBucket): boolean {
  if (a.expiresAt === null) return false;
  if (b.expiresAt === null) return true;
  return instantMs(a.expiresAt) < instantMs(b.expiresAt);
}

/** Milliseconds of an ISO instant; NaN compares false everywhere, which callers rely on never seeing. */
export function instantMs(iso: string): number {
  return Date.parse(iso);
}
