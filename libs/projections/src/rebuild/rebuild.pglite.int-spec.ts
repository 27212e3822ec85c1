import { randomUUID } from 'node:crypto';
import { createPgliteEventStore, EventStore, SqlClient } from '@tally/event-store';
import { DEFAULT_PRICE_BOOK_DOCUMENT } from '@tally/credits';
import { PriceBooks, WorkspaceLedger } from '@tally/ledger';
import {
  ALL_PROJECTIONS,
  Projector,
  rebuildProjections,
  reconcileBalances,
} from '@tally/projections';
import { appendBurst } from '../../test/credit-burst';
import { copyLiveTables, rowsDifferingFromLive } from '../../test/table-differences';

jest.setTimeout(120_000);

// The set-based rebuild's SQL on PGlite (PostgreSQL 18): one dialect with the server.
describe('projections rebuild on PGlite', () => {
  let store: EventStore & { sql: SqlClient };
  let projector: Projector;
  const workspaceIds = Array.from({ length: 3 }, () => `ws-${randomUUID()}`);

  beforeAll(async () => {
    store = await createPgliteEventStore();
    projector = new Projector(store, store.sql);
    await projector.start();
    const ledger = new WorkspaceLedger(store, store.sql);
    await appendBurst(ledger, workspaceIds, 20);
    await debitUnderLaterBooks(ledger, new PriceBooks(store));
    await projector.waitFor(await store.lastCommittedPosition(), 60_000);
  });

  // Two more books, each pricing a step differently from its effectiveAt: the views then hold
  // debits of three versions, which a rebuild must reproduce like any others.
  async function debitUnderLaterBooks(ledger: WorkspaceLedger, books: PriceBooks): Promise<void> {
    for (const [index, version] of ['2099-01', '2099-02'].entries()) {
      const effectiveAt = new Date(Date.UTC(2099, index, 1)).toISOString();
      const published = await books.publish({
        ...DEFAULT_PRICE_BOOK_DOCUMENT,
        version,
        effectiveAt,
        stepDefaultMicro: String(200 + index),
      });
      expect(published.kind).toBe('published');
      const outcomes = await ledger.execute(
        workspaceIds.map((workspaceId) => ({
          command: {
            type: 'DebitAction' as const,
            commandId: randomUUID(),
            workspaceId,
            occurredAt: effectiveAt,
            processedAt: new Date().toISOString(),
            source: 'workflow' as const,
            action: { kind: 'slack.post' },
          },
          idempotencyKey: `${workspaceId}/action/${version}`,
        })),
      );
      for (const outcome of outcomes) {
        expect(outcome.kind === 'applied' && outcome.events[0]).toMatchObject({
          data: { priceBookVersion: version, amountMicro: BigInt(200 + index) },
        });
      }
    }
  }

  afterAll(async () => {
    await projector.stop();
    await store.close();
  });

  it('rebuilds tables identical to the live projections, range by range', async () => {
    await copyLiveTables(store.sql, 'live_before_rebuild');
    const result = await rebuildProjections(store, store.sql, ALL_PROJECTIONS, {
      rangeEventsMax: 50,
    });
    expect(result.events).toBeGreaterThan(0);
    expect(await rowsDifferingFromLive(store.sql, 'live_before_rebuild')).toEqual({
      balances: 0,
      rollover_periods: 0,
      usage_daily: 0,
      statement_entries: 0,
    });
  });

  it("catches up at the switch on the transaction's connection, with events the live projector applied after the rebuild read its head", async () => {
    // A head from before the last events: the switch must read those through the store inside
    // its transaction (a read beside it would wait for the one connection forever).
    const earlier = await store.readAll({ maxCount: 25 });
    const olderHead = earlier[earlier.length - 1]?.position;
    if (!olderHead) throw new Error('assertion failed: the burst appended fewer than 25 events');
    const behind: EventStore = Object.create(store, {
      headPosition: { value: () => Promise.resolve(olderHead) },
    });
    await copyLiveTables(store.sql, 'live_before_switch');
    await rebuildProjections(behind, store.sql, ALL_PROJECTIONS, { rangeEventsMax: 10 });
    expect(await rowsDifferingFromLive(store.sql, 'live_before_switch')).toEqual({
      balances: 0,
      rollover_periods: 0,
      usage_daily: 0,
      statement_entries: 0,
    });
  });

  it("reconciles every balance with a replay read in the snapshot's own transaction", async () => {
    const result = await reconcileBalances(store, store.sql);
    expect(result).toMatchObject({ compared: workspaceIds.length, differences: [] });
    expect(result.events).toBeGreaterThan(0);
  });
});
