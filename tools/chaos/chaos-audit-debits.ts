import { CreditEventTypes } from '@tally/credits';
import { EventStore, Position, RecordedEvent } from '@tally/event-store';
import { workspaceIdOfStream } from '@tally/ledger';
import { ChaosLimits } from './chaos.options';
import { ExpectedDebit } from './chaos-workload';

interface Totals {
  count: number;
  amountMicro: bigint;
}

export interface DebitFinding {
  workspaceId: string;
  eventId: string;
  detail: string;
}

export interface WorkspaceDifference {
  workspaceId: string;
  expectedCount: number;
  storedCount: number;
  expectedMicro: bigint;
  storedMicro: bigint;
}

export interface DebitAudit {
  expectedCount: number;
  storedCount: number;
  expectedMicro: bigint;
  storedMicro: bigint;
  workspacesCompared: number;
  lost: DebitFinding[];
  doubled: DebitFinding[];
  unexpected: DebitFinding[];
  mispriced: DebitFinding[];
  /** A debit whose reservationId is not the one its action named. */
  misattributed: DebitFinding[];
  workspaceDifferences: WorkspaceDifference[];
  workspacesInOverdraft: number;
}

/** The stored debits, gathered page by page: how often each action was debited, and per workspace. */
interface StoredDebits {
  timesDebited: Map<string, number>;
  byWorkspace: Map<string, Totals>;
  overdrawn: Set<string>;
}

interface StoredDebitData {
  amountMicro: string;
  sourceEventId: string;
  reservationId?: string;
  split?: { overdraftMicro?: string };
}

/**
 * Every stored CreditDebited against the independently priced set of unique valid actions:
 * per debit (lost, doubled, unexpected, mispriced) and per workspace (count and µcr sum).
 */
export async function auditDebits(
  store: EventStore,
  expected: Map<string, ExpectedDebit>,
  workspaces: string[],
): Promise<DebitAudit> {
  const audit: DebitAudit = {
    expectedCount: expected.size,
    storedCount: 0,
    expectedMicro: 0n,
    storedMicro: 0n,
    workspacesCompared: workspaces.length,
    lost: [],
    doubled: [],
    unexpected: [],
    mispriced: [],
    misattributed: [],
    workspaceDifferences: [],
    workspacesInOverdraft: 0,
  };
  const stored: StoredDebits = {
    timesDebited: new Map(),
    byWorkspace: new Map(),
    overdrawn: new Set(),
  };
  await forEachStoredDebit(store, (event) => checkStoredDebit(event, expected, stored, audit));
  const expectedByWorkspace = checkExpectedDebits(expected, stored.timesDebited, audit);
  const workspacesSeen = new Set([...workspaces, ...stored.byWorkspace.keys()]);
  for (const workspaceId of workspacesSeen) {
    const want = expectedByWorkspace.get(workspaceId) ?? { count: 0, amountMicro: 0n };
    const got = stored.byWorkspace.get(workspaceId) ?? { count: 0, amountMicro: 0n };
    if (want.count !== got.count || want.amountMicro !== got.amountMicro) {
      audit.workspaceDifferences.push({
        workspaceId,
        expectedCount: want.count,
        storedCount: got.count,
        expectedMicro: want.amountMicro,
        storedMicro: got.amountMicro,
      });
    }
  }
  audit.workspacesInOverdraft = stored.overdrawn.size;
  return audit;
}

async function forEachStoredDebit(
  store: EventStore,
  visit: (event: RecordedEvent) => void,
): Promise<void> {
  let fromPosition: Position | undefined;
  for (;;) {
    const page: RecordedEvent[] = await store.readAll({
      ...(fromPosition ? { fromPosition } : {}),
      maxCount: ChaosLimits.readPageSize,
      filter: { eventTypes: [CreditEventTypes.debited] },
    });
    for (const event of page) visit(event);
    const last = page[page.length - 1];
    if (!last || page.length < ChaosLimits.readPageSize) return;
    fromPosition = last.position;
  }
}

/** Adds one stored debit to the totals and records it if doubled, unexpected or mispriced. */
function checkStoredDebit(
  event: RecordedEvent,
  expected: Map<string, ExpectedDebit>,
  stored: StoredDebits,
  audit: DebitAudit,
): void {
  const workspaceId = workspaceIdOfStream(event.streamName) ?? event.streamName;
  const data = event.data as StoredDebitData;
  const eventId = data.sourceEventId;
  const amountMicro = BigInt(data.amountMicro);
  audit.storedCount += 1;
  audit.storedMicro += amountMicro;
  addToTotals(stored.byWorkspace, workspaceId, amountMicro);
  if (data.split?.overdraftMicro && data.split.overdraftMicro !== '0')
    stored.overdrawn.add(workspaceId);
  const times = (stored.timesDebited.get(eventId) ?? 0) + 1;
  stored.timesDebited.set(eventId, times);
  const where = `${event.streamName}@${event.revision}`;
  if (times === 2)
    audit.doubled.push({ workspaceId, eventId, detail: `debited again at ${where}` });
  const wanted = expected.get(eventId);
  if (!wanted || wanted.workspaceId !== workspaceId) {
    audit.unexpected.push({
      workspaceId,
      eventId,
      detail: `no such valid action for this workspace (${where})`,
    });
  } else if (wanted.amountMicro !== amountMicro) {
    audit.mispriced.push({
      workspaceId,
      eventId,
      detail: `stored ${amountMicro} µcr, expected ${wanted.amountMicro} µcr`,
    });
  }
  if (wanted && (wanted.reservationId ?? null) !== (data.reservationId ?? null)) {
    audit.misattributed.push({
      workspaceId,
      eventId,
      detail: `names reservation ${data.reservationId ?? 'none'}, the action named ${wanted.reservationId ?? 'none'} (${where})`,
    });
  }
}

/** Sums the expected debits per workspace and records every one that was never debited. */
function checkExpectedDebits(
  expected: Map<string, ExpectedDebit>,
  timesDebited: Map<string, number>,
  audit: DebitAudit,
): Map<string, Totals> {
  const byWorkspace = new Map<string, Totals>();
  for (const [eventId, wanted] of expected) {
    audit.expectedMicro += wanted.amountMicro;
    addToTotals(byWorkspace, wanted.workspaceId, wanted.amountMicro);
    if (!timesDebited.has(eventId))
      audit.lost.push({
        workspaceId: wanted.workspaceId,
        eventId,
        detail: `${wanted.amountMicro} µcr never debited`,
      });
  }
  return byWorkspace;
}

function addToTotals(totals: Map<string, Totals>, workspaceId: string, amountMicro: bigint): void {
  const entry = totals.get(workspaceId) ?? { count: 0, amountMicro: 0n };
  entry.count += 1;
  entry.amountMicro += amountMicro;
  totals.set(workspaceId, entry);
}

export function debitAuditPassed(audit: DebitAudit): boolean {
  return (
    audit.lost.length === 0 &&
    audit.doubled.length === 0 &&
    audit.unexpected.length === 0 &&
    audit.mispriced.length === 0 &&
    audit.misattributed.length === 0 &&
    audit.workspaceDifferences.length === 0 &&
    audit.storedCount === audit.expectedCount
  );
}
