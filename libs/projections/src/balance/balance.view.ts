import type { BillingCycle, WorkspaceStatus } from '@tally/contracts';
import type { WorkspaceBalance } from './balance.body';

/** The balance body of the billing API (docs/api.md): amounts as decimal strings. */
export interface BalanceView {
  workspaceId: string;
  status: WorkspaceStatus;
  period: { cycle: BillingCycle; start: string; end: string } | null;
  allocationMicro: string;
  allocationRemainingMicro: string;
  rolloverMicro: string;
  grantedMicro: string;
  purchasedMicro: string;
  overdraftMicro: string;
  reservedMicro: string;
  usedThisPeriodMicro: string;
  totalAvailableMicro: string;
  /** `position.prepare` of the last event folded in, as a decimal string ("0": none yet). */
  position: string;
  updatedAt: string | null;
}

export function balanceViewOf(
  balance: WorkspaceBalance,
  position: bigint,
  updatedAt: Date | null,
): BalanceView {
  return {
    workspaceId: balance.workspaceId,
    status: balance.status,
    period: balance.period,
    allocationMicro: balance.allocationMicro.toString(),
    allocationRemainingMicro: balance.allocationRemainingMicro.toString(),
    rolloverMicro: balance.rolloverMicro.toString(),
    grantedMicro: balance.grantedMicro.toString(),
    purchasedMicro: balance.purchasedMicro.toString(),
    overdraftMicro: balance.overdraftMicro.toString(),
    reservedMicro: balance.reservedMicro.toString(),
    usedThisPeriodMicro: balance.usedThisPeriodMicro.toString(),
    totalAvailableMicro: balance.totalAvailableMicro.toString(),
    position: position.toString(),
    updatedAt: updatedAt === null ? null : updatedAt.toISOString(),
  };
}
