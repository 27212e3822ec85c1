import { initialWorkspaceState, WorkspaceState } from '@tally/credits';
import { balanceOf } from './balance.body';

const ws = 'ws-balance';

describe('balanceOf', () => {
  it('reports no_plan and a null period before the first period', () => {
    expect(balanceOf(initialWorkspaceState(ws))).toEqual({
      workspaceId: ws,
      status: 'no_plan',
      period: null,
      allocationMicro: 0n,
      allocationRemainingMicro: 0n,
      rolloverMicro: 0n,
      grantedMicro: 0n,
      purchasedMicro: 0n,
      overdraftMicro: 0n,
      reservedMicro: 0n,
      usedThisPeriodMicro: 0n,
      totalAvailableMicro: 0n,
    });
  });

  it('reports overdraft on its own, apart from the total available', () => {
    const exhausted: WorkspaceState = {
      ...initialWorkspaceState(ws),
      status: 'exhausted',
      period: {
        cycle: 'monthly',
        start: '2026-02-01T00:00:00.000Z',
        end: '2026-03-01T00:00:00.000Z',
        allocationMicro: 5_000_000n,
      },
      overdraftMicro: 500_000n,
      usedThisPeriodMicro: 6_500_000n,
    };
    expect(balanceOf(exhausted)).toMatchObject({
      status: 'exhausted',
      period: {
        cycle: 'monthly',
        start: '2026-02-01T00:00:00.000Z',
        end: '2026-03-01T00:00:00.000Z',
      },
      allocationMicro: 5_000_000n,
      allocationRemainingMicro: 0n,
      overdraftMicro: 500_000n,
      usedThisPeriodMicro: 6_500_000n,
      totalAvailableMicro: 0n,
    });
  });

  it('adds allocation, rollover, grants and packs into the total available', () => {
    const active: WorkspaceState = {
      ...initialWorkspaceState(ws),
      status: 'active',
      period: {
        cycle: 'yearly',
        start: '2026-01-01T00:00:00.000Z',
        end: '2027-01-01T00:00:00.000Z',
        allocationMicro: 50_000_000n,
      },
      allocationRemainingMicro: 40_000_000n,
      rolloverMicro: 3_000_000n,
      grantedMicro: 200_000n,
      purchasedMicro: 10n,
    };
    expect(balanceOf(active).totalAvailableMicro).toBe(43_200_010n);
  });

  it('takes the live holds out of the total available, never below zero', () => {
    const period = {
      cycle: 'monthly' as const,
      start: '2026-02-01T00:00:00.000Z',
      end: '2026-03-01T00:00:00.000Z',
      allocationMicro: 5_000_000n,
    };
    const held: WorkspaceState = {
      ...initialWorkspaceState(ws),
      status: 'low',
      period,
      allocationRemainingMicro: 1_000_000n,
      reservedMicro: 600_000n,
    };
    expect(balanceOf(held)).toMatchObject({
      reservedMicro: 600_000n,
      totalAvailableMicro: 400_000n,
    });
    expect(balanceOf({ ...held, reservedMicro: 1_500_000n }).totalAvailableMicro).toBe(0n);
  });
});
