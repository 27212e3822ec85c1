import type { BillingCycle } from '@tally/contracts';
import type { OpenPeriod } from './workspace-credits.commands';
import type { CreditEvent } from './workspace-credits.events';
import {
  availableAfterHolds,
  CreditPeriod,
  statusFor,
  WorkspaceState,
} from './workspace-credits.state';

export type CycleAllocations = Readonly<Record<BillingCycle, bigint>>;

export const defaultCycleAllocations: CycleAllocations = {
  monthly: 5_000_000n,
  yearly: 50_000_000n,
};

function minOf(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/**
 * Closes the open period (if any) and opens the new one. Unused = remaining allocation +
 * remaining rollover; min(unused, new allocation) carries over, the rest expires; purchased
 * credits and open grants carry over unchanged; open overdraft is forgiven. The opening event
 * carries the complete state so a load can start from it ("closing the books").
 */
export function decideOpenPeriod(
  command: OpenPeriod,
  state: WorkspaceState,
  cycleAllocations: CycleAllocations,
): CreditEvent[] {
  const allocationMicro = command.allocationMicro ?? cycleAllocations[command.cycle];
  const events: CreditEvent[] = [];
  let rolloverMicro = 0n;
  let overdraftForgivenAtOpenMicro = state.overdraftMicro;
  if (state.period !== null) {
    const unusedMicro = state.allocationRemainingMicro + state.rolloverMicro;
    rolloverMicro = minOf(unusedMicro, allocationMicro);
    overdraftForgivenAtOpenMicro = 0n;
    events.push({
      type: 'CreditPeriodClosed',
      data: {
        workspaceId: state.workspaceId,
        cycle: state.period.cycle,
        periodStart: state.period.start,
        periodEnd: state.period.end,
        allocationMicro: state.period.allocationMicro,
        usedMicro: state.usedThisPeriodMicro,
        unusedMicro,
        rolledOverMicro: rolloverMicro,
        expiredMicro: unusedMicro - rolloverMicro,
        overdraftForgivenMicro: state.overdraftMicro,
        processedAt: command.processedAt,
      },
    });
  }
  const period: CreditPeriod = {
    cycle: command.cycle,
    start: command.periodStart,
    end: command.periodEnd,
    allocationMicro,
  };
  const totalAvailableMicro = availableAfterHolds(
    allocationMicro + rolloverMicro + state.grantedMicro + state.purchasedMicro,
    state.reservedMicro,
  );
  events.push({
    type: 'CreditPeriodOpened',
    data: {
      workspaceId: state.workspaceId,
      sourceEventId: command.commandId,
      cycle: command.cycle,
      periodStart: command.periodStart,
      periodEnd: command.periodEnd,
      allocationMicro,
      rolloverMicro,
      purchasedMicro: state.purchasedMicro,
      grants: state.grants.map((grant) => ({ ...grant })),
      reservations: state.reservations.map((reservation) => ({ ...reservation })),
      overdraftForgivenMicro: overdraftForgivenAtOpenMicro,
      status: statusFor(period, totalAvailableMicro),
      occurredAt: command.occurredAt,
      processedAt: command.processedAt,
    },
  });
  return events;
}
