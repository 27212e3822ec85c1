import type { BillingCycle, WorkspaceStatus } from '@tally/contracts';
import { totalAvailableOf, WorkspaceState } from '@tally/credits';

/** The balance body of the billing API (docs/api.md), amounts as bigint µcr. */
export interface WorkspaceBalance {
  workspaceId: string;
  status: WorkspaceStatus;
  period: { cycle: BillingCycle; start: string; end: string } | null;
  allocationMicro: bigint;
  allocationRemainingMicro: bigint;
  rolloverMicro: bigint;
  grantedMicro: bigint;
  purchasedMicro: bigint;
  overdraftMicro: bigint;
  /** The unspent holds of live reservations. */
  reservedMicro: bigint;
  /** Sum of this period's debits, overdraft included. */
  usedThisPeriodMicro: bigint;
  /** Allocation remaining + rollover + granted + purchased − reserved, never negative; overdraft is reported on its own. */
  totalAvailableMicro: bigint;
}

export function balanceOf(state: WorkspaceState): WorkspaceBalance {
  return {
    workspaceId: state.workspaceId,
    status: state.status,
    period:
      state.period === null
        ? null
        : { cycle: state.period.cycle, start: state.period.start, end: state.period.end },
    allocationMicro: state.period?.allocationMicro ?? 0n,
    allocationRemainingMicro: state.allocationRemainingMicro,
    rolloverMicro: state.rolloverMicro,
    grantedMicro: state.grantedMicro,
    purchasedMicro: state.purchasedMicro,
    overdraftMicro: state.overdraftMicro,
    reservedMicro: state.reservedMicro,
    usedThisPeriodMicro: state.usedThisPeriodMicro,
    totalAvailableMicro: totalAvailableOf(state),
  };
}
