import { randomUUID } from 'node:crypto';
import {
  createPostgresEventStore,
  EventStore,
  positionToString,
  SqlClient,
} from '@tally/event-store';
import { WorkspaceLedger } from '@tally/ledger';
import { Projector, readProjectorHealth } from '@tally/projections';
import { createTestDatabase, TestDatabase } from '../../../../tools/support/test-database';
import { appendBurst, appendMoreActions } from '../../test/credit-burst';

jest.setTimeout(60_000);

describe('projector health', () => {
  let database: TestDatabase;
  let store: EventStore & { sql: SqlClient };
  const workspaceId = `ws-${randomUUID()}`;

  beforeAll(async () => {
    database = await createTestDatabase('tally_health');
    store = await createPostgresEventStore({ connectionString: database.connectionString });
  });

  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  it('calls an idle projector healthy and one that leaves committed credit events waiting past the limit stalled', async () => {
    const ledger = new WorkspaceLedger(store, store.sql);
    let projector = new Projector(store, store.sql);
    await projector.start();
    await appendBurst(ledger, [workspaceId], 2);
    await projector.waitFor(await store.lastCommittedPosition(), 30_000);
    // Events of other streams are not the projector's work.
    await store.appendToStream(`price-books-${randomUUID()}`, [
      { id: randomUUID(), type: 'Other', data: {} },
    ]);
    await pause(5);
    const idle = await readProjectorHealth(store.sql, { stallAfterMs: 0 });
    expect(idle).toMatchObject({ stalled: false, waitingSince: null, held: [], heldTotal: 0 });
    expect(idle.lowestCheckpoint).not.toBeNull();

    await projector.stop();
    await appendMoreActions(ledger, [workspaceId], 1);
    await pause(5);
    const stopped = await readProjectorHealth(store.sql, { stallAfterMs: 0 });
    expect(stopped.stalled).toBe(true);
    expect(stopped.waitingSince).not.toBeNull();
    expect(positionToString(stopped.lowestCheckpoint ?? { commit: 0n, prepare: 0n })).toBe(
      positionToString(idle.lowestCheckpoint ?? { commit: 0n, prepare: 0n }),
    );
    // Work that arrived a moment ago is not a stall yet.
    expect((await readProjectorHealth(store.sql)).stalled).toBe(false);

    projector = new Projector(store, store.sql);
    await projector.start();
    await projector.waitFor(await store.lastCommittedPosition(), 30_000);
    expect(await readProjectorHealth(store.sql, { stallAfterMs: 0 })).toMatchObject({
      stalled: false,
      waitingSince: null,
    });
    await projector.stop();
  });
});
