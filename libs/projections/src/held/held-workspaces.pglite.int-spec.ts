import { randomUUID } from 'node:crypto';
import { createPgliteEventStore, EventStore, SqlClient } from '@tally/event-store';
import { WorkspaceLedger, workspaceStreamName } from '@tally/ledger';
import {
  ALL_PROJECTIONS,
  ProjectionQueries,
  Projector,
  readProjectorHealth,
  retryHeldWorkspace,
} from '@tally/projections';
import { appendBurst } from '../../test/credit-burst';
import { replayWorkspace } from '../../test/replay-views';
import { appendDebitCopy, OVERFLOWING_AMOUNT_MICRO } from '../../test/stored-debits';
import { overwriteStoredField } from '../../../../tools/support/stored-events';

jest.setTimeout(120_000);

// The embedded database has one connection: holding back, health and retry must not wait on it.
describe('held-back workspaces on PGlite', () => {
  let store: EventStore & { sql: SqlClient };
  const [held, other] = [`ws-${randomUUID()}`, `ws-${randomUUID()}`];

  beforeAll(async () => {
    store = await createPgliteEventStore();
  });

  afterAll(async () => {
    await store.close();
  });

  it('holds a workspace back, reports it, and releases it by retrying once its event applies', async () => {
    const projector = new Projector(store, store.sql);
    await projector.start();
    await appendBurst(new WorkspaceLedger(store, store.sql), [held, other], 3);
    const poison = await appendDebitCopy(store, held, (data) => ({
      ...data,
      amountMicro: OVERFLOWING_AMOUNT_MICRO,
    }));
    await appendDebitCopy(store, held);
    await projector.waitFor(await store.lastCommittedPosition(), 60_000);
    await projector.stop();
    const queries = new ProjectionQueries(store.sql);
    expect(await queries.balance(other)).toEqual((await replayWorkspace(store, other)).balance);
    const health = await readProjectorHealth(store.sql);
    expect(health.held.map((hold) => hold.projection).sort()).toEqual([
      'balance',
      'statement',
      'usage',
    ]);

    await overwriteStoredField(store.sql, poison.id, ['amountMicro'], '100');
    const outcomes = await Promise.all(
      ALL_PROJECTIONS.map((projection) => retryHeldWorkspace(store.sql, projection, held)),
    );
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual([
      'not-held',
      'released',
      'released',
      'released',
    ]);
    expect(await queries.balance(held)).toEqual((await replayWorkspace(store, held)).balance);
    expect((await readProjectorHealth(store.sql)).heldTotal).toBe(0);
  });

  // A type of a later build (or another writer) that this build cannot read: decoding it is a
  // CreditsDomainError, the workspace's own failure whatever words its message holds. "Pool" is
  // one a message-based classification took for a lost connection.
  it('keeps a workspace held, and says why, when retrying meets a stored event of an unknown type', async () => {
    const workspaceId = `ws-${randomUUID()}`;
    const projector = new Projector(store, store.sql);
    await projector.start();
    await appendBurst(new WorkspaceLedger(store, store.sql), [workspaceId], 2);
    await store.appendToStream(workspaceStreamName(workspaceId), [
      { id: randomUUID(), type: 'CreditPoolAllocated', data: { workspaceId } },
    ]);
    await projector.waitFor(await store.lastCommittedPosition(), 60_000);
    await projector.stop();
    const heldBy = (await readProjectorHealth(store.sql)).held.filter(
      (hold) => hold.workspaceId === workspaceId,
    );
    expect(heldBy.map((hold) => hold.projection).sort()).toEqual([
      'balance',
      'rollover',
      'statement',
      'usage',
    ]);

    for (const projection of ALL_PROJECTIONS) {
      const outcome = await retryHeldWorkspace(store.sql, projection, workspaceId);
      expect(outcome).toEqual({
        status: 'still-held',
        error: 'unknown credit event type "CreditPoolAllocated" (code UNKNOWN_EVENT_TYPE)',
      });
    }
  });
});
