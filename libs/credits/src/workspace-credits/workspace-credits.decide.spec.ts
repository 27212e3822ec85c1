import { deciderSpec } from '@tally/testing';
import type { WorkspaceCommand } from './workspace-credits.commands';
import { createDecider, decide } from './workspace-credits.decide';
import { CreditsDomainError, CreditsErrorCode } from './workspace-credits.errors';
import type { CreditEvent } from './workspace-credits.events';
import { evolve } from './workspace-credits.evolve';
import {
  actionCosting,
  addCreditPack,
  debitAction,
  fixtureWorkspaceId as ws,
  grantCredits,
  openPeriod,
} from '@tally/testing';
import { defaultPriceBook, RATE_SCALE } from '../price-books/price-book';
import { initialWorkspaceState, WorkspaceState } from './workspace-credits.state';

const spec = deciderSpec<WorkspaceCommand, WorkspaceState, CreditEvent>(
  (command, state) => decide(command, state),
  evolve,
  () => initialWorkspaceState(ws),
);

/** Events a command produced, for use as history in `given`. */
function history(...commands: WorkspaceCommand[]): CreditEvent[] {
  let state = initialWorkspaceState(ws);
  const events: CreditEvent[] = [];
  for (const command of commands) {
    const decided = decide(command, state);
    state = decided.reduce(evolve, state);
    events.push(...decided);
  }
  return events;
}

const february = openPeriod();
const march = openPeriod({
  periodStart: '2026-03-01T00:00:00.000Z',
  periodEnd: '2026-04-01T00:00:00.000Z',
});
const version = defaultPriceBook.version;
const split = (
  parts: Partial<
    Record<
      'rolloverMicro' | 'allocationMicro' | 'grantedMicro' | 'purchasedMicro' | 'overdraftMicro',
      bigint
    >
  >,
) => ({
  rolloverMicro: 0n,
  allocationMicro: 0n,
  grantedMicro: 0n,
  purchasedMicro: 0n,
  overdraftMicro: 0n,
  ...parts,
});

function debited(
  command: ReturnType<typeof debitAction>,
  amountMicro: bigint,
  parts: Parameters<typeof split>[0],
  extra: object = {},
): CreditEvent {
  return {
    type: 'CreditDebited',
    data: {
      workspaceId: ws,
      sourceEventId: command.commandId,
      source: command.source,
      actionKind: command.action.kind,
      model: command.action.ai?.model ?? null,
      amountMicro,
      rule: 'ai.generate:claude-haiku-4',
      priceBookVersion: version,
      fallback: false,
      split: split(parts),
      grants: [],
      reservationId: null,
      reservationFound: false,
      reservationDrawnMicro: 0n,
      periodStart: '2026-02-01T00:00:00.000Z',
      occurredAt: command.occurredAt,
      processedAt: command.processedAt,
      ...extra,
    },
  } as CreditEvent;
}

describe('opening periods', () => {
  it('allocates 5 credits for a monthly period and leaves no_plan', () => {
    spec
      .given([])
      .when(february)
      .then([
        {
          type: 'CreditPeriodOpened',
          data: {
            workspaceId: ws,
            sourceEventId: february.commandId,
            cycle: 'monthly',
            periodStart: '2026-02-01T00:00:00.000Z',
            periodEnd: '2026-03-01T00:00:00.000Z',
            allocationMicro: 5_000_000n,
            rolloverMicro: 0n,
            purchasedMicro: 0n,
            grants: [],
            reservations: [],
            overdraftForgivenMicro: 0n,
            status: 'active',
            occurredAt: february.occurredAt,
            processedAt: february.processedAt,
          },
        },
        {
          type: 'CreditStatusChanged',
          data: {
            workspaceId: ws,
            from: 'no_plan',
            to: 'active',
            totalAvailableMicro: 5_000_000n,
            occurredAt: february.occurredAt,
            processedAt: february.processedAt,
          },
        },
      ]);
  });

  it('allocates 50 credits for a yearly cycle', () => {
    const events = decide(
      openPeriod({ cycle: 'yearly', periodEnd: '2027-02-01T00:00:00.000Z' }),
      initialWorkspaceState(ws),
    );
    expect(events[0]).toMatchObject({
      type: 'CreditPeriodOpened',
      data: { cycle: 'yearly', allocationMicro: 50_000_000n },
    });
  });

  it('uses allocationMicro from the billing system over the cycle default', () => {
    const events = decide(openPeriod({ allocationMicro: 7_000_000n }), initialWorkspaceState(ws));
    expect(events[0]).toMatchObject({ data: { allocationMicro: 7_000_000n } });
  });

  it('grants nothing more when the same period start is redelivered', () => {
    spec
      .given(history(february))
      .when({ ...february, commandId: 'redelivered' })
      .then([]);
  });

  it('changes nothing when the open period start arrives again with a new eventId', () => {
    spec
      .given(history(february))
      .when({ ...february, commandId: 'another-event-id', periodEnd: '2026-03-02T00:00:00.000Z' })
      .then([]);
  });

  it('refuses an older period start that arrives late, with PERIOD_OUTDATED', () => {
    spec
      .given(history(february, march))
      .when(february)
      .thenThrows(/older than the open period/);
    expect(() =>
      decide(february, history(february, march).reduce(evolve, initialWorkspaceState(ws))),
    ).toThrow(expect.objectContaining({ code: CreditsErrorCode.PeriodOutdated }));
  });

  it('refuses an action whose price exceeds the largest amount, with PRICE_TOO_LARGE', () => {
    const priceBook = {
      ...defaultPriceBook,
      kinds: new Map([...defaultPriceBook.kinds, ['web.search', 10n ** 19n * RATE_SCALE]]),
    };
    expect(() =>
      createDecider({ priceBooks: [priceBook] }).decide(
        debitAction({ kind: 'web.search' }),
        history(february).reduce(evolve, initialWorkspaceState(ws)),
      ),
    ).toThrow(expect.objectContaining({ code: 'PRICE_TOO_LARGE' }));
  });

  it('rolls over at most one allocation when more was unused', () => {
    const april = openPeriod({
      periodStart: '2026-04-01T00:00:00.000Z',
      periodEnd: '2026-05-01T00:00:00.000Z',
    });
    const events = decide(
      april,
      history(february, march).reduce(evolve, initialWorkspaceState(ws)),
    );
    expect(events[0]).toMatchObject({
      type: 'CreditPeriodClosed',
      data: {
        allocationMicro: 5_000_000n,
        usedMicro: 0n,
        unusedMicro: 10_000_000n,
        rolledOverMicro: 5_000_000n,
        expiredMicro: 5_000_000n,
      },
    });
    expect(events[1]).toMatchObject({
      type: 'CreditPeriodOpened',
      data: { allocationMicro: 5_000_000n, rolloverMicro: 5_000_000n },
    });
  });

  it('rolls over all unused credits when they fit in the next allocation', () => {
    const given = history(february, debitAction(actionCosting(2_000_000n)));
    const events = decide(march, given.reduce(evolve, initialWorkspaceState(ws)));
    expect(events[0]).toMatchObject({
      data: {
        usedMicro: 2_000_000n,
        unusedMicro: 3_000_000n,
        rolledOverMicro: 3_000_000n,
        expiredMicro: 0n,
      },
    });
  });

  it('carries purchased credits and open grants over unchanged', () => {
    const given = history(
      february,
      addCreditPack(10_000_000n),
      grantCredits(1_000_000n, { expiresAt: '2026-06-01T00:00:00.000Z' }),
    );
    const events = decide(march, given.reduce(evolve, initialWorkspaceState(ws)));
    expect(events[1]).toMatchObject({
      type: 'CreditPeriodOpened',
      data: {
        purchasedMicro: 10_000_000n,
        grants: [
          {
            reference: 'grant-ref-1',
            grantType: 'compensation',
            remainingMicro: 1_000_000n,
            expiresAt: '2026-06-01T00:00:00.000Z',
          },
        ],
      },
    });
  });

  it('forgives overdraft still open at close and records it on the close event', () => {
    const given = history(february, debitAction(actionCosting(6_000_000n)));
    const events = decide(march, given.reduce(evolve, initialWorkspaceState(ws)));
    expect(events[0]).toMatchObject({
      type: 'CreditPeriodClosed',
      data: { usedMicro: 6_000_000n, unusedMicro: 0n, overdraftForgivenMicro: 1_000_000n },
    });
    expect(events.map((event) => event.type)).toEqual([
      'CreditPeriodClosed',
      'CreditPeriodOpened',
      'CreditStatusChanged',
    ]);
    expect(events[2]).toMatchObject({ data: { from: 'exhausted', to: 'active' } });
  });

  it('keeps usage of Feb 28 in the period from Feb 1 to Mar 1, even when processed after its end', () => {
    const lastDay = debitAction(actionCosting(1_000_000n), {
      occurredAt: '2026-02-28T23:59:59.000Z',
      processedAt: '2026-03-01T00:00:05.000Z',
    });
    const given = history(february, lastDay);
    expect(given.at(-1)).toMatchObject({
      type: 'CreditDebited',
      data: { periodStart: '2026-02-01T00:00:00.000Z', occurredAt: '2026-02-28T23:59:59.000Z' },
    });
    const events = decide(march, given.reduce(evolve, initialWorkspaceState(ws)));
    expect(events[0]).toMatchObject({
      type: 'CreditPeriodClosed',
      data: {
        periodStart: '2026-02-01T00:00:00.000Z',
        periodEnd: '2026-03-01T00:00:00.000Z',
        usedMicro: 1_000_000n,
        unusedMicro: 4_000_000n,
      },
    });
  });

  it('refuses a period that ends before it starts', () => {
    spec
      .given([])
      .when(openPeriod({ periodEnd: '2026-01-01T00:00:00.000Z' }))
      .thenThrows(CreditsDomainError);
  });
});

describe('debits', () => {
  it('debits the period allocation and records price rule, version and period', () => {
    const command = debitAction(actionCosting(100n));
    spec
      .given(history(february))
      .when(command)
      .then([debited(command, 100n, { allocationMicro: 100n })]);
  });

  it('consumes rollover, allocation, grants by soonest expiry (no expiry last), purchased, then overdraft', () => {
    const given = history(
      february,
      debitAction(actionCosting(2_000_000n)),
      march, // carries 3 credits of rollover
      grantCredits(1_000_000n, {
        reference: 'never',
        commandId: 'g-never',
        processedAt: '2026-03-02T00:00:00.000Z',
      }),
      grantCredits(1_000_000n, {
        reference: 'late',
        commandId: 'g-late',
        expiresAt: '2026-09-01T00:00:00.000Z',
        processedAt: '2026-03-02T00:00:00.000Z',
      }),
      grantCredits(1_000_000n, {
        reference: 'soon',
        commandId: 'g-soon',
        expiresAt: '2026-05-01T00:00:00.000Z',
        processedAt: '2026-03-02T00:00:00.000Z',
      }),
      addCreditPack(2_000_000n, { processedAt: '2026-03-02T00:00:00.000Z' }),
    );
    const command = debitAction(actionCosting(16_000_000n), {
      processedAt: '2026-03-03T00:00:00.000Z',
    });
    const events = decide(command, given.reduce(evolve, initialWorkspaceState(ws)));
    expect(events[0]).toMatchObject({
      type: 'CreditDebited',
      data: {
        amountMicro: 16_000_000n,
        split: split({
          rolloverMicro: 3_000_000n,
          allocationMicro: 5_000_000n,
          grantedMicro: 3_000_000n,
          purchasedMicro: 2_000_000n,
          overdraftMicro: 3_000_000n,
        }),
        grants: [
          { reference: 'soon', amountMicro: 1_000_000n },
          { reference: 'late', amountMicro: 1_000_000n },
          { reference: 'never', amountMicro: 1_000_000n },
        ],
      },
    });
    expect(events[1]).toMatchObject({
      type: 'CreditStatusChanged',
      data: { from: 'active', to: 'exhausted', totalAvailableMicro: 0n },
    });
  });

  it('takes rollover before the period allocation', () => {
    const given = history(february, debitAction(actionCosting(4_000_000n)), march);
    const events = decide(
      debitAction(actionCosting(1_500_000n)),
      given.reduce(evolve, initialWorkspaceState(ws)),
    );
    expect(events[0]).toMatchObject({
      data: { split: split({ rolloverMicro: 1_000_000n, allocationMicro: 500_000n }) },
    });
  });

  it('records a debit while no plan exists as overdraft and forgives it when the first period opens', () => {
    const command = debitAction(actionCosting(500n));
    spec
      .given([])
      .when(command)
      .then([debited(command, 500n, { overdraftMicro: 500n }, { periodStart: null })]);
    const events = decide(february, history(command).reduce(evolve, initialWorkspaceState(ws)));
    expect(events[0]).toMatchObject({
      type: 'CreditPeriodOpened',
      data: { overdraftForgivenMicro: 500n },
    });
  });

  it('prices an unknown AI model at the fallback rate and the debit says so', () => {
    const command = debitAction({
      kind: 'ai.generate',
      ai: { model: 'mystery-1', inputTokens: 100, outputTokens: 100, cachedInputTokens: 100 },
    });
    const [event] = decide(command, history(february).reduce(evolve, initialWorkspaceState(ws)));
    expect(event).toMatchObject({
      data: {
        amountMicro: 9150n,
        rule: 'ai.generate:fallback',
        fallback: true,
        model: 'mystery-1',
      },
    });
  });
});

describe('status changes', () => {
  it('turns low when total available reaches 20 % of the allocation', () => {
    const command = debitAction(actionCosting(4_000_000n));
    spec
      .given(history(february))
      .when(command)
      .then([
        debited(command, 4_000_000n, { allocationMicro: 4_000_000n }),
        {
          type: 'CreditStatusChanged',
          data: {
            workspaceId: ws,
            from: 'active',
            to: 'low',
            totalAvailableMicro: 1_000_000n,
            occurredAt: command.occurredAt,
            processedAt: command.processedAt,
          },
        },
      ]);
  });

  it('stays active just above 20 %', () => {
    const events = decide(
      debitAction(actionCosting(3_999_995n)),
      history(february).reduce(evolve, initialWorkspaceState(ws)),
    );
    expect(events.map((event) => event.type)).toEqual(['CreditDebited']);
  });

  it('publishes one change per command, not one per bucket', () => {
    const given = history(february, debitAction(actionCosting(4_500_000n)));
    const events = decide(
      debitAction(actionCosting(1_000_000n)),
      given.reduce(evolve, initialWorkspaceState(ws)),
    );
    expect(events.filter((event) => event.type === 'CreditStatusChanged')).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ from: 'low', to: 'exhausted', totalAvailableMicro: 0n }),
      }),
    ]);
  });

  it('lifts an exhausted workspace with a pack', () => {
    const given = history(february, debitAction(actionCosting(5_000_000n)));
    const events = decide(
      addCreditPack(10_000_000n),
      given.reduce(evolve, initialWorkspaceState(ws)),
    );
    expect(events.at(-1)).toMatchObject({
      type: 'CreditStatusChanged',
      data: { from: 'exhausted', to: 'active', totalAvailableMicro: 10_000_000n },
    });
  });
});

describe('packs and grants', () => {
  it('pays off overdraft first with a pack bought while in overdraft', () => {
    const given = history(february, debitAction(actionCosting(6_000_000n)));
    const pack = addCreditPack(10_000_000n);
    spec
      .given(given)
      .when(pack)
      .then([
        {
          type: 'CreditPackAdded',
          data: {
            workspaceId: ws,
            sourceEventId: pack.commandId,
            paymentRef: 'pay-1',
            creditsMicro: 10_000_000n,
            overdraftPaidMicro: 1_000_000n,
            purchasedAddedMicro: 9_000_000n,
            occurredAt: pack.occurredAt,
            processedAt: pack.processedAt,
          },
        },
        {
          type: 'CreditStatusChanged',
          data: {
            workspaceId: ws,
            from: 'exhausted',
            to: 'active',
            totalAvailableMicro: 9_000_000n,
            occurredAt: pack.occurredAt,
            processedAt: pack.processedAt,
          },
        },
      ]);
  });

  it('pays off overdraft first with a grant, keeping the rest as a grant bucket', () => {
    const given = history(february, debitAction(actionCosting(5_500_000n)));
    const events = decide(
      grantCredits(2_000_000n),
      given.reduce(evolve, initialWorkspaceState(ws)),
    );
    expect(events[0]).toMatchObject({
      type: 'CreditsGranted',
      data: {
        creditsMicro: 2_000_000n,
        overdraftPaidMicro: 500_000n,
        grantedAddedMicro: 1_500_000n,
      },
    });
  });

  it('adds nothing when the same paymentRef arrives again', () => {
    spec
      .given(history(february, addCreditPack(10_000_000n)))
      .when(addCreditPack(10_000_000n, { commandId: 'pack-again' }))
      .then([]);
  });

  it('adds nothing when the same grant reference arrives again', () => {
    spec
      .given(history(february, grantCredits(1_000_000n)))
      .when(grantCredits(1_000_000n, { commandId: 'grant-again' }))
      .then([]);
  });

  it('expires a grant once processedAt passes expiresAt, before the command’s own events', () => {
    const given = history(
      february,
      grantCredits(1_000_000n, { expiresAt: '2026-02-20T00:00:00.000Z' }),
    );
    const command = debitAction(actionCosting(100n), { processedAt: '2026-02-20T00:00:00.000Z' });
    const events = decide(command, given.reduce(evolve, initialWorkspaceState(ws)));
    expect(events[0]).toEqual({
      type: 'CreditGrantExpired',
      data: {
        workspaceId: ws,
        reference: 'grant-ref-1',
        grantType: 'compensation',
        expiredMicro: 1_000_000n,
        expiresAt: '2026-02-20T00:00:00.000Z',
        processedAt: command.processedAt,
      },
    });
    expect(events[1]).toMatchObject({
      type: 'CreditDebited',
      data: { split: split({ allocationMicro: 100n }) },
    });
  });

  it('records a grant that arrives already expired and expires it at once', () => {
    const grant = grantCredits(1_000_000n, { expiresAt: '2026-02-01T00:00:00.000Z' });
    const events = decide(grant, history(february).reduce(evolve, initialWorkspaceState(ws)));
    expect(events.map((event) => event.type)).toEqual(['CreditsGranted', 'CreditGrantExpired']);
  });

  it('refuses a non-positive pack and a command for another workspace', () => {
    spec
      .given([])
      .when(addCreditPack(0n))
      .thenThrows(expect.objectContaining({ code: CreditsErrorCode.InvalidAmount }));
    spec
      .given([])
      .when(addCreditPack(1n, { workspaceId: 'ws-2' }))
      .thenThrows(expect.objectContaining({ code: CreditsErrorCode.WorkspaceMismatch }));
  });
});
