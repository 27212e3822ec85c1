import { randomUUID } from 'node:crypto';
import type { WorkspaceCommand } from '@tally/credits';
import { KeyedCommand, WorkspaceLedger } from '@tally/ledger';

// Test support: realistic command bursts appended through the one decide-and-append path.

const actionKinds = [
  'record.create',
  'http.request',
  'code.run',
  'email.send',
  'web.search',
  'ai.generate',
] as const;

function actionFor(
  kind: (typeof actionKinds)[number],
  index: number,
): Extract<WorkspaceCommand, { type: 'DebitAction' }>['action'] {
  switch (kind) {
    case 'code.run':
      return { kind, durationMs: 100 + index };
    case 'email.send':
      return { kind, recipients: 1 + (index % 4) };
    case 'ai.generate':
      return {
        kind,
        ai: {
          model: index % 2 === 0 ? 'gpt-4o' : 'mystery-model',
          inputTokens: 300 + index,
          outputTokens: 50,
          cachedInputTokens: 7,
        },
      };
    default:
      return { kind };
  }
}

function keyed(command: WorkspaceCommand, key: string): KeyedCommand {
  return { command, idempotencyKey: `${command.workspaceId}/${key}` };
}

/**
 * Two periods per workspace (so one closes with rollover), a pack, a grant and `actionsPerPeriod`
 * actions of every kind spread over several UTC days in each period.
 */
export function burstCommands(workspaceId: string, actionsPerPeriod: number): KeyedCommand[][] {
  const now = new Date().toISOString();
  const base = { workspaceId, processedAt: now };
  const open = (start: string, end: string): KeyedCommand =>
    keyed(
      {
        ...base,
        type: 'OpenPeriod',
        commandId: randomUUID(),
        occurredAt: start,
        cycle: 'monthly',
        periodStart: start,
        periodEnd: end,
      },
      `period/${start}`,
    );
  const actions = (monthPrefix: string, from: number): KeyedCommand[] =>
    Array.from({ length: actionsPerPeriod }, (_, index) => {
      const kind = actionKinds[index % actionKinds.length] ?? 'record.create';
      const day = String(1 + (index % 5)).padStart(2, '0');
      const commandId = randomUUID();
      return keyed(
        {
          ...base,
          type: 'DebitAction',
          commandId,
          occurredAt: `${monthPrefix}-${day}T23:59:59.500Z`,
          source: 'workflow',
          action: actionFor(kind, from + index),
        },
        `action/${commandId}`,
      );
    });
  return [
    [open('2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z')],
    actions('2026-01', 0),
    [
      keyed(
        {
          ...base,
          type: 'AddCreditPack',
          commandId: randomUUID(),
          occurredAt: '2026-01-20T10:00:00.000Z',
          creditsMicro: 10_000_000n,
          paymentRef: 'pay-1',
        },
        'pack/pay-1',
      ),
      keyed(
        {
          ...base,
          type: 'GrantCredits',
          commandId: randomUUID(),
          occurredAt: '2026-01-21T10:00:00.000Z',
          grantType: 'compensation',
          creditsMicro: 500_000n,
          reference: 'grant-1',
          expiresAt: '2026-06-01T00:00:00.000Z',
        },
        'grant/grant-1',
      ),
    ],
    [open('2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z')],
    actions('2026-02', actionsPerPeriod),
  ];
}

export async function appendBurst(
  ledger: WorkspaceLedger,
  workspaceIds: string[],
  actionsPerPeriod: number,
): Promise<void> {
  const bursts = workspaceIds.map((workspaceId) => burstCommands(workspaceId, actionsPerPeriod));
  const steps = bursts[0]?.length ?? 0;
  for (let step = 0; step < steps; step += 1) {
    const commands = bursts.flatMap((burst) => burst[step] ?? []);
    const outcomes = await ledger.execute(commands);
    const rejected = outcomes.find((outcome) => outcome.kind === 'rejected');
    if (rejected) throw new Error(`burst command rejected: ${JSON.stringify(rejected)}`);
  }
}

/** `actions` more debits per workspace in the second period of a burst already appended. */
export async function appendMoreActions(
  ledger: WorkspaceLedger,
  workspaceIds: string[],
  actions: number,
): Promise<void> {
  const commands = workspaceIds.flatMap(
    (workspaceId) => burstCommands(workspaceId, actions)[4] ?? [],
  );
  const outcomes = await ledger.execute(commands);
  const rejected = outcomes.find((outcome) => outcome.kind !== 'applied');
  if (rejected) throw new Error(`action not applied: ${JSON.stringify(rejected)}`);
}
