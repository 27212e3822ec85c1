import {
  CreditEvent,
  decide,
  evolve,
  initialWorkspaceState,
  WorkspaceCommand,
  WorkspaceState,
} from '@tally/credits';
import { encodeCreditEvent } from '@tally/ledger';
import { summedDebit } from '../balance/balance.rebuild';
import type { BalanceRangeRow } from '../balance/balance.rebuild.sql';
import { movementOf } from '../statement/statement.projection';
import { STATEMENT_LINES } from '../statement/statement.rebuild.sql';

const workspaceId = 'ws-rebuild';
const at = (day: number, hour = 12): string => new Date(Date.UTC(2026, 0, day, hour)).toISOString();

function history(): CreditEvent[] {
  const base = (day: number, hour?: number) => ({
    workspaceId,
    commandId: `c-${day}-${hour}`,
    occurredAt: at(day, hour),
    processedAt: at(day, hour),
  });
  const commands: WorkspaceCommand[] = [
    {
      ...base(1),
      type: 'OpenPeriod',
      cycle: 'monthly',
      periodStart: at(1, 0),
      periodEnd: '2026-02-01T00:00:00.000Z',
    },
    {
      ...base(2),
      type: 'GrantCredits',
      grantType: 'compensation',
      creditsMicro: 3_000_000n,
      reference: 'g-1',
      expiresAt: at(20),
    },
    {
      ...base(2, 13),
      type: 'GrantCredits',
      grantType: 'sales',
      creditsMicro: 1_000n,
      reference: 'g-2',
    },
    ...Array.from({ length: 40 }, (_, index): WorkspaceCommand => ({
      ...base(3 + (index % 15), index % 24),
      commandId: `d-${index}`,
      type: 'DebitAction',
      source: 'workflow',
      action: {
        kind: 'ai.generate',
        ai: { model: 'gpt-4o', inputTokens: 20_000, outputTokens: 5_000 },
      },
    })),
    { ...base(21), type: 'AddCreditPack', creditsMicro: 10_000_000n, paymentRef: 'pay-1' },
    ...Array.from({ length: 10 }, (_, index): WorkspaceCommand => ({
      ...base(22, index),
      commandId: `e-${index}`,
      type: 'DebitAction',
      source: 'workflow',
      action: { kind: 'code.run', durationMs: 90_000 },
    })),
  ];
  let state = initialWorkspaceState(workspaceId);
  const events: CreditEvent[] = [];
  for (const command of commands) {
    for (const event of decide(command, state)) {
      state = evolve(state, event);
      events.push(event);
    }
  }
  return events;
}

// What balance.rebuild.sql.ts returns for a run of debits, computed here from the events.
function runRow(run: Extract<CreditEvent, { type: 'CreditDebited' }>[]): BalanceRangeRow {
  const sum = (pick: (data: (typeof run)[number]['data']) => bigint): string =>
    run.reduce((total, event) => total + pick(event.data), 0n).toString();
  const grants = new Map<string, bigint>();
  for (const event of run)
    for (const grant of event.data.grants)
      grants.set(grant.reference, (grants.get(grant.reference) ?? 0n) + grant.amountMicro);
  return {
    workspace_id: workspaceId,
    debit_run: true,
    event_type: 'CreditDebited',
    data: null,
    last_position: '1',
    last_created_at: new Date(),
    amount_micro: sum((data) => data.amountMicro),
    rollover_micro: sum((data) => data.split.rolloverMicro),
    allocation_micro: sum((data) => data.split.allocationMicro),
    granted_micro: sum((data) => data.split.grantedMicro),
    purchased_micro: sum((data) => data.split.purchasedMicro),
    overdraft_micro: sum((data) => data.split.overdraftMicro),
    grants:
      grants.size === 0
        ? null
        : [...grants].map(([reference, micro]) => [reference, micro.toString()]),
  };
}

describe('the set-based rebuild computes what the batch path computes', () => {
  const events = history();

  it('has events of every type in the fixture history, grants drawn down and used up', () => {
    expect(new Set(events.map((event) => event.type)).size).toBeGreaterThanOrEqual(6);
  });

  it('folds a run of debits summed into one debit to the same state as folding them one by one', () => {
    let oneByOne: WorkspaceState = initialWorkspaceState(workspaceId);
    let summed: WorkspaceState = initialWorkspaceState(workspaceId);
    let run: Extract<CreditEvent, { type: 'CreditDebited' }>[] = [];
    const endRun = (): void => {
      if (run.length > 0) summed = evolve(summed, summedDebit(workspaceId, runRow(run)));
      run = [];
    };
    for (const event of events) {
      oneByOne = evolve(oneByOne, event);
      if (event.type === 'CreditDebited') {
        run.push(event);
        continue;
      }
      endRun();
      summed = evolve(summed, event);
    }
    endRun();
    expect(summed).toEqual(oneByOne);
  });

  it('writes the statement line movementOf writes, read from the stored fields', () => {
    for (const event of events) {
      const movement = movementOf(event);
      if (event.type === 'CreditStatusChanged') {
        expect(movement).toBeNull();
        continue;
      }
      const line = STATEMENT_LINES[event.type];
      const stored = encodeCreditEvent(event).data;
      expect({
        direction: line.direction,
        amountMicro: BigInt(stored[line.amountField] as string),
        occurredAt: stored[line.occurredAtField],
      }).toEqual(movement);
    }
  });
});
