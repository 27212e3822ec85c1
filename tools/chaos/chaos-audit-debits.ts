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
  workspaceDifferences: WorkspaceDifference[];
  workspacesInOverdraft: number;
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
    workspaceDifferences: [],
    workspacesInOverdraft: 0,
  };
  const seen = new Map<string, number>();
  const stored = new Map<string, Totals>();
  const overdrawn = new Set<string>();
  let fromPosition: Position | undefined;
  for (;;) {
    const page: RecordedEvent[] = await store.readAll({
      ...(fromPosition ? { fromPosition } : {}),
      maxCount: ChaosLimits.readPageSize,
      filter: { eventTypes: [CreditEventTypes.debited] },
    });
    for (const event of page) {
      const workspaceId = workspaceIdOfStream(event.streamName) ?? event.streamName;
      const data = event.data as {
        amountMicro: string;
        sourceEventId: string;
        split?: { overdraftMicro?: string };
      };
      const amountMicro = BigInt(data.amountMicro);
      audit.storedCount += 1;
      audit.storedMicro += amountMicro;
      const totals = stored.get(workspaceId) ?? { count: 0, amountMicro: 0n };
      totals.count += 1;
      totals.amountMicro += amountMicro;
      stored.set(workspaceId, totals);
      if (data.split?.overdraftMicro && data.split.overdraftMicro !== '0')
        overdrawn.add(workspaceId);
      const times = (seen.get(data.sourceEventId) ?? 0) + 1;
      seen.set(data.sourceEventId, times);
      if (times === 2)
        audit.doubled.push({
          workspaceId,
          eventId: data.sourceEventId,
          detail: `debited again at ${event.streamName}@${event.revision}`,
        });
      const wanted = expected.get(data.sourceEventId);
      if (!wanted || wanted.workspaceId !== workspaceId) {
        audit.unexpected.push({
          workspaceId,
          eventId: data.sourceEventId,
          detail: `no such valid action for this workspace (${event.streamName}@${event.revision})`,
        });
      } else if (wanted.amountMicro !== amountMicro) {
        audit.mispriced.push({
          workspaceId,
          eventId: data.sourceEventId,
          detail: `stored ${amountMicro} µcr, expected ${wanted.amountMicro} µcr`,
        });
      }
    }
    const last = page[page.length - 1];
    if (!last || page.length < ChaosLimits.readPageSize) break;
    fromPosition = last.position;
  }
  const expectedTotals = new Map<string, Totals>();
  for (const [eventId, wanted] of expected) {
    audit.expectedMicro += wanted.amountMicro;
    const totals = expectedTotals.get(wanted.workspaceId) ?? { count: 0, amountMicro: 0n };
    totals.count += 1;
    totals.amountMicro += wanted.amountMicro;
    expectedTotals.set(wanted.workspaceId, totals);
    if (!seen.has(eventId))
      audit.lost.push({
        workspaceId: wanted.workspaceId,
        eventId,
        detail: `${wanted.amountMicro} µcr never debited`,
      });
  }
  for (const workspaceId of new Set([...workspaces, ...stored.keys()])) {
    const want = expectedTotals.get(workspaceId) ?? { count: 0, amountMicro: 0n };
    const got = stored.get(workspaceId) ?? { count: 0, amountMicro: 0n };
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
  audit.workspacesInOverdraft = overdrawn.size;
  return audit;
}

export function debitAuditPassed(audit: DebitAudit): boolean {
  return (
    audit.lost.length === 0 &&
    audit.doubled.length === 0 &&
    audit.unexpected.length === 0 &&
    audit.mispriced.length === 0 &&
    audit.workspaceDifferences.length === 0 &&
    audit.storedCount === audit.expectedCount
  );
}
