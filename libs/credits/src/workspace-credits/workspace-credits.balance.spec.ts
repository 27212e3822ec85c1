import { balanceOf } from './workspace-credits.balance';
import { decide } from './workspace-credits.decide';
import { evolve } from './workspace-credits.evolve';
import {
  actionCosting,
  addCreditPack,
  debitAction,
  fixtureWorkspaceId as ws,
  openPeriod,
} from './workspace-credits.fixtures';
import { initialWorkspaceState, WorkspaceState } from './workspace-credits.state';
import type { WorkspaceCommand } from './workspace-credits.commands';

function stateAfter(...commands: WorkspaceCommand[]): WorkspaceState {
  return commands.reduce(
    (state, command) => decide(command, state).reduce(evolve, state),
    initialWorkspaceState(ws),
  );
}

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
      usedThisPeriodMicro: 0n,
      totalAvailableMicro: 0n,
    });
  });

  it('reports overdraft on its own and counts it in the period’s usage', () => {
    const balance = balanceOf(
      stateAfter(openPeriod(), addCreditPack(1_000_000n), debitAction(actionCosting(6_500_000n))),
    );
    expect(balance).toMatchObject({
      status: 'exhausted',
      period: {
        cycle: 'monthly',
        start: '2026-02-01T00:00:00.000Z',
        end: '2026-03-01T00:00:00.000Z',
      },
      allocationMicro: 5_000_000n,
      allocationRemainingMicro: 0n,
      purchasedMicro: 0n,
      overdraftMicro: 500_000n,
      usedThisPeriodMicro: 6_500_000n,
      totalAvailableMicro: 0n,
    });
  });
});
