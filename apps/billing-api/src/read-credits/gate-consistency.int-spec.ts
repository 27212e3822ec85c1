import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createPostgresEventStore, EventStore, SqlClient } from '@tally/event-store';
import { KeyedCommand, WorkspaceLedger } from '@tally/ledger';
import { createInProcessBus, MessageBus } from '@tally/messaging';
import { inlineReadModels } from '@tally/projections';
import { createTestDatabase, TestDatabase } from '../../../../tools/support/test-database';
import { createBillingApi, signToken } from '../index';

jest.setTimeout(60_000);

const jwtSecret = `secret-${randomUUID()}`;

/**
 * The gate reads the balance the ledger writes with its events: a debit stored by a ledger
 * (here a separate one, as the Kafka ledger is) is seen by the very next gate call, with no
 * projector running at all.
 */
describe('the gate is consistent with the store (PostgreSQL, no projector)', () => {
  let database: TestDatabase;
  let store: EventStore & { sql: SqlClient };
  let bus: MessageBus;
  let app: NestExpressApplication;
  let baseUrl: string;
  let ledger: WorkspaceLedger;

  beforeAll(async () => {
    database = await createTestDatabase('tally_gate_consistency');
    store = await createPostgresEventStore({ connectionString: database.connectionString });
    bus = createInProcessBus();
    app = await createBillingApi({ store, sql: store.sql, bus, jwtSecret });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
    ledger = new WorkspaceLedger(store, store.sql, {
      readModels: await inlineReadModels(store.sql),
    });
  });

  afterAll(async () => {
    await app.close();
    await bus.close();
    await store.close();
    await database.drop();
  });

  function command(workspaceId: string, type: 'OpenPeriod' | 'DebitAction'): KeyedCommand {
    const at = new Date().toISOString();
    const commandId = randomUUID();
    const base = { workspaceId, commandId, occurredAt: at, processedAt: at };
    return type === 'OpenPeriod'
      ? {
          command: {
            ...base,
            type,
            cycle: 'monthly',
            periodStart: '2026-01-01T00:00:00.000Z',
            periodEnd: '2099-01-01T00:00:00.000Z',
            allocationMicro: 1_000n,
          },
          idempotencyKey: `${workspaceId}/period/${commandId}`,
        }
      : {
          // record.create costs 100 µcr under the default book (docs/pricing.md).
          command: { ...base, type, source: 'workflow', action: { kind: 'record.create' } },
          idempotencyKey: `${workspaceId}/action/${commandId}`,
        };
  }

  async function gate(workspaceId: string, requiredMicro: bigint) {
    const token = await signToken({ workspaceId, scope: 'credits:read' }, jwtSecret, 600);
    const response = await fetch(`${baseUrl}/v1/workspaces/${workspaceId}/credits/check`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ requiredMicro: requiredMicro.toString() }),
    });
    return (await response.json()) as { allowed: boolean; totalAvailableMicro: string };
  }

  it('sees each debit in the gate call made right after it is stored', async () => {
    const workspaceId = `ws-${randomUUID()}`;
    await ledger.execute([command(workspaceId, 'OpenPeriod')]);
    expect(await gate(workspaceId, 1_000n)).toMatchObject({
      allowed: true,
      totalAvailableMicro: '1000',
    });
    for (let debit = 1; debit <= 10; debit += 1) {
      const [outcome] = await ledger.execute([command(workspaceId, 'DebitAction')]);
      expect(outcome?.kind).toBe('applied');
      const remaining = 1_000n - 100n * BigInt(debit);
      expect(await gate(workspaceId, remaining + 1n)).toMatchObject({
        allowed: false,
        totalAvailableMicro: remaining.toString(),
      });
    }
  });
});
