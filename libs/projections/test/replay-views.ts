import { evolve, initialWorkspaceState } from '@tally/credits';
import { decodeCreditEvent } from '@tally/ledger';
import { balanceOf } from '@tally/projections';
import type { EventStore, RecordedEvent } from '@tally/event-store';
import { workspaceStreamName } from '@tally/ledger';
import { balanceViewOf, BalanceView, utcDayOf } from '@tally/projections';

// Test support: the views recomputed straight from a workspace's stream, to compare against
// the projections to the µcr.

export interface ReplayedViews {
  balance: BalanceView;
  usage: Map<string, { totalMicro: bigint; count: number; byKind: Map<string, bigint> }>;
  closes: {
    periodStart: string;
    rolledOverMicro: bigint;
    expiredMicro: bigint;
    unusedMicro: bigint;
  }[];
  movements: number;
  last: RecordedEvent | undefined;
}

export async function replayWorkspace(
  store: EventStore,
  workspaceId: string,
): Promise<ReplayedViews> {
  const recorded = await store.readStream(workspaceStreamName(workspaceId));
  let state = initialWorkspaceState(workspaceId);
  const usage: ReplayedViews['usage'] = new Map();
  const closes: ReplayedViews['closes'] = [];
  let movements = 0;
  for (const stored of recorded) {
    const event = decodeCreditEvent({
      type: stored.type,
      data: stored.data as Record<string, unknown>,
    });
    state = evolve(state, event);
    if (event.type !== 'CreditStatusChanged') movements += 1;
    if (event.type === 'CreditDebited') {
      const day = utcDayOf(event.data.occurredAt);
      const bucket = usage.get(day) ?? {
        totalMicro: 0n,
        count: 0,
        byKind: new Map<string, bigint>(),
      };
      bucket.totalMicro += event.data.amountMicro;
      bucket.count += 1;
      bucket.byKind.set(
        event.data.actionKind,
        (bucket.byKind.get(event.data.actionKind) ?? 0n) + event.data.amountMicro,
      );
      usage.set(day, bucket);
    }
    if (event.type === 'CreditPeriodClosed') {
      const { periodStart, rolledOverMicro, expiredMicro, unusedMicro } = event.data;
      closes.push({ periodStart, rolledOverMicro, expiredMicro, unusedMicro });
    }
  }
  const last = recorded[recorded.length - 1];
  const balance = balanceViewOf(
    balanceOf(state),
    last?.position.prepare ?? 0n,
    last?.createdAt ?? null,
  );
  return { balance, usage, closes, movements, last };
}
