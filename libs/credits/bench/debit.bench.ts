// Domain micro-benchmark: decide + evolve for debits on one core, spread over many
// workspaces so caches see realistic variety. Run: npm run bench:domain
import {
  CreditEvent,
  decide,
  DebitAction,
  evolve,
  initialWorkspaceState,
  OpenPeriod,
  WorkspaceState,
} from '@tally/credits';

const workspaceCount = 10_000;
const debitsTotal = 5_000_000;
const warmupDebits = 500_000;
const actions: DebitAction['action'][] = [
  { kind: 'record.create' },
  { kind: 'http.request' },
  { kind: 'code.run', durationMs: 1234 },
  { kind: 'email.send', recipients: 3 },
  {
    kind: 'ai.generate',
    ai: { model: 'gpt-4o', inputTokens: 1200, outputTokens: 300, cachedInputTokens: 0 },
  },
  {
    kind: 'ai.generate',
    ai: { model: 'mystery', inputTokens: 800, outputTokens: 100, cachedInputTokens: 50 },
  },
];

function openWorkspaces(): WorkspaceState[] {
  return Array.from({ length: workspaceCount }, (_, index) => {
    const workspaceId = `ws-${index}`;
    const open: OpenPeriod = {
      type: 'OpenPeriod',
      commandId: `period-${index}`,
      workspaceId,
      occurredAt: '2026-02-01T00:00:00.000Z',
      processedAt: '2026-02-01T00:00:00.000Z',
      cycle: 'yearly',
      periodStart: '2026-02-01T00:00:00.000Z',
      periodEnd: '2027-02-01T00:00:00.000Z',
      // Large enough that most debits stay in the allocation, with status changes along the way.
      allocationMicro: 2_000_000_000n,
    };
    const state = initialWorkspaceState(workspaceId);
    return decide(open, state).reduce(evolve, state);
  });
}

function run(states: WorkspaceState[], debits: number): number {
  let events = 0;
  for (let index = 0; index < debits; index += 1) {
    const slot = index % workspaceCount;
    const state = states[slot] as WorkspaceState;
    const command: DebitAction = {
      type: 'DebitAction',
      commandId: `debit-${index}`,
      workspaceId: state.workspaceId,
      occurredAt: '2026-02-10T12:00:00.000Z',
      processedAt: '2026-02-10T12:00:01.000Z',
      source: 'workflow',
      action: actions[index % actions.length] as DebitAction['action'],
    };
    const decided: CreditEvent[] = decide(command, state);
    let next = state;
    for (const event of decided) next = evolve(next, event);
    states[slot] = next;
    events += decided.length;
  }
  return events;
}

function main(): void {
  run(openWorkspaces(), warmupDebits);
  const states = openWorkspaces();
  const startedNs = process.hrtime.bigint();
  const events = run(states, debitsTotal);
  const elapsedMs = Number(process.hrtime.bigint() - startedNs) / 1e6;
  const debitsPerSecond = Math.round((debitsTotal / elapsedMs) * 1000);
  console.log(
    JSON.stringify({
      benchmark: 'domain decide+evolve debits',
      workspaces: workspaceCount,
      debits: debitsTotal,
      events,
      elapsedMs: Math.round(elapsedMs),
      debitsPerSecond,
      node: process.version,
    }),
  );
}

main();
