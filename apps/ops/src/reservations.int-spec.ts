import { randomUUID } from 'node:crypto';
import { createPgliteEventStore, EventStore, SqlClient } from '@tally/event-store';
import { reserveCommand, selectReservation, WorkspaceLedger } from '@tally/ledger';
import type { OpsContext } from './ops-context';
import { opsProgram } from './ops.program';

jest.setTimeout(60_000);

describe('reservations list and release', () => {
  let store: EventStore & { sql: SqlClient; close(): Promise<void> };
  let lines: string[];
  let errors: string[];
  let exitCode: number;
  const workspaceId = `ws-${randomUUID()}`;

  async function ops(...args: string[]): Promise<number> {
    lines = [];
    errors = [];
    exitCode = -1;
    const context: OpsContext = {
      store,
      sql: store.sql,
      out: (line) => lines.push(line),
      err: (text) => errors.push(text),
    };
    const program = opsProgram(
      async () => ({ ...context, close: async () => undefined }),
      (code) => (exitCode = code),
    );
    program.exitOverride();
    await program.parseAsync(['node', 'tally-ops', ...args]);
    return exitCode;
  }

  beforeAll(async () => {
    store = await createPgliteEventStore();
    const ledger = new WorkspaceLedger(store, store.sql);
    const now = new Date();
    const at = now.toISOString();
    await ledger.execute([
      {
        command: {
          type: 'GrantCredits',
          commandId: 'g-1',
          workspaceId,
          occurredAt: at,
          processedAt: at,
          grantType: 'onboarding',
          creditsMicro: 1_000_000n,
          reference: 'g-1',
        },
        idempotencyKey: `${workspaceId}/grant/g-1`,
      },
    ]);
    const expiresAt = new Date(now.getTime() + 600_000).toISOString();
    for (const [reservationId, amountMicro] of [
      ['run-1', 300_000n],
      ['run-2', 200_000n],
    ] as const) {
      await ledger.execute([
        reserveCommand({ workspaceId, reservationId, amountMicro, expiresAt }, at),
      ]);
    }
  });

  afterAll(async () => {
    await store.close();
  });

  it('lists the held reservations, then releases one through the ledger, once', async () => {
    expect(await ops('reservations', 'list', workspaceId)).toBe(0);
    expect(lines).toHaveLength(2);
    expect(errors.join('')).toContain('2 held reservation(s)');
    expect(errors.join('')).toContain('500000 µcr held');

    expect(await ops('reservations', 'release', workspaceId, 'run-1')).toBe(0);
    expect(lines[0]).toMatch(/run-1\s+released/);
    expect(errors.join('')).toBe('released\n');
    expect(await ops('reservations', 'release', workspaceId, 'run-1')).toBe(0);
    expect(errors.join('')).toBe('already ended: nothing changed\n');
    expect(await selectReservation(store.sql, workspaceId, 'run-1')).toMatchObject({
      status: 'released',
      heldMicro: '0',
    });

    expect(await ops('reservations', 'list', workspaceId)).toBe(0);
    expect(lines).toHaveLength(1);
    expect(await ops('reservations', 'list', workspaceId, '--all')).toBe(0);
    expect(lines).toHaveLength(2);
  });

  it('refuses an unknown reservation (1) and a malformed id (2)', async () => {
    expect(await ops('reservations', 'release', workspaceId, 'nope')).toBe(1);
    expect(await ops('reservations', 'release', workspaceId, 'bad id')).toBe(2);
    expect(await ops('reservations', 'list', '.bad')).toBe(2);
  });
});
