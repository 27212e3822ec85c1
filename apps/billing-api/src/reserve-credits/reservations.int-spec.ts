import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createPgliteEventStore, EventStore, SqlClient } from '@tally/event-store';
import { WorkspaceLedger } from '@tally/ledger';
import { createInProcessBus, MessageBus } from '@tally/messaging';
import { createBillingApi, signToken } from '../index';

jest.setTimeout(60_000);

const jwtSecret = `secret-${randomUUID()}`;
const CREDIT = 1_000_000n;

describe('reservation routes', () => {
  let store: EventStore & { sql: SqlClient };
  let bus: MessageBus;
  let app: NestExpressApplication;
  let baseUrl: string;
  const workspaceId = `ws-${randomUUID()}`;
  let reserver: string;
  let reader: string;

  // Bodies are checked field by field.
  type Reply = { status: number; body: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  async function call(method: string, path: string, token: string, body?: unknown): Promise<Reply> {
    const response = await fetch(`${baseUrl}/v1/workspaces/${workspaceId}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  }

  const reserve = (reservationId: string, amountMicro: bigint, extra: object = {}) =>
    call('POST', '/credits/reservations', reserver, {
      reservationId,
      amountMicro: amountMicro.toString(),
      ...extra,
    });

  beforeAll(async () => {
    store = await createPgliteEventStore();
    bus = createInProcessBus();
    app = await createBillingApi({ store, sql: store.sql, bus, jwtSecret });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
    reserver = await signToken(
      { workspaceId, scope: 'credits:reserve credits:read' },
      jwtSecret,
      600,
    );
    reader = await signToken({ workspaceId, scope: 'credits:read' }, jwtSecret, 600);
    const at = new Date().toISOString();
    await new WorkspaceLedger(store, store.sql).execute([
      {
        command: {
          type: 'OpenPeriod',
          commandId: 'p-1',
          workspaceId,
          occurredAt: at,
          processedAt: at,
          cycle: 'monthly',
          periodStart: '2026-11-01T00:00:00.000Z',
          periodEnd: '2099-01-01T00:00:00.000Z',
          allocationMicro: 500n * CREDIT,
        },
        idempotencyKey: `${workspaceId}/period/p-1`,
      },
    ]);
  });

  afterAll(async () => {
    await app.close();
    await bus.close();
    await store.close();
  });

  it('holds exactly 6 of 20 simultaneous reservations of 75 credits against 500', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) => reserve(`job-${index}`, 75n * CREDIT)),
    );
    const held = answers.filter((answer) => answer.status === 201);
    const refused = answers.filter((answer) => answer.status === 200);
    expect(held).toHaveLength(6);
    expect(refused).toHaveLength(14);
    for (const answer of held) {
      expect(answer.body).toMatchObject({
        allowed: true,
        reservation: { status: 'held', amountMicro: '75000000', heldMicro: '75000000' },
      });
    }
    for (const answer of refused)
      expect(answer.body).toMatchObject({ allowed: false, code: 'CREDITS_INSUFFICIENT' });
    const more = await reserve('one-more', 50n * CREDIT + 1n);
    expect(more.body).toEqual({
      allowed: false,
      code: 'CREDITS_INSUFFICIENT',
      totalAvailableMicro: '50000000',
    });
  });

  it('replays the same reservation (200), refuses it with another amount (409), reads it back', async () => {
    const first = await reserve('run-42', CREDIT);
    expect(first.status).toBe(201);
    expect(first.body.totalAvailableMicro).toBe('49000000');
    const again = await reserve('run-42', CREDIT);
    expect(again).toMatchObject({ status: 200, body: { allowed: true, replayed: true } });
    const other = await reserve('run-42', 2n * CREDIT);
    expect(other).toMatchObject({ status: 409, body: { code: 'RESERVATION_CONFLICT' } });
    const read = await call('GET', '/credits/reservations/run-42', reader);
    expect(read).toMatchObject({
      status: 200,
      body: { reservationId: 'run-42', workspaceId, status: 'held', amountMicro: '1000000' },
    });
    expect((await call('GET', '/credits/reservations/nope', reader)).status).toBe(404);
  });

  it('releases once, and returns an ended reservation unchanged', async () => {
    const released = await call('POST', '/credits/reservations/run-42/release', reserver);
    expect(released).toMatchObject({
      status: 200,
      body: { status: 'released', heldMicro: '0', spentMicro: '0' },
    });
    const again = await call('POST', '/credits/reservations/run-42/release', reserver, {});
    expect(again.body).toEqual(released.body);
    // It takes no fields: one sent is refused, not ignored.
    const withField = await call('POST', '/credits/reservations/run-42/release', reserver, {
      reason: 'done',
    });
    expect(withField).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const asArray = await call('POST', '/credits/reservations/run-42/release', reserver, []);
    expect(asArray).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect((await call('POST', '/credits/reservations/nope/release', reserver)).status).toBe(404);
  });

  it('refuses bad input with 400 and a reader with 403', async () => {
    const bad = [
      await reserve('has space', CREDIT),
      await reserve('zero', 0n),
      await reserve('past', CREDIT, { expiresAt: '2020-01-01T00:00:00Z' }),
      await reserve('far', CREDIT, {
        expiresAt: new Date(Date.now() + 25 * 3_600_000).toISOString(),
      }),
      await call('POST', '/credits/reservations', reserver, { reservationId: 'x', amountMicro: 5 }),
    ];
    for (const answer of bad)
      expect(answer).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    // Zero and below are refused with the range that is allowed, which starts at 1.
    for (const amountMicro of [0n, -5n])
      expect((await reserve('none', amountMicro)).body).toMatchObject({
        details: [{ path: 'amountMicro', messages: [expect.stringContaining('from 1 to')] }],
      });
    const reading = await call('POST', '/credits/reservations', reader, {
      reservationId: 'r',
      amountMicro: '1',
    });
    expect(reading.status).toBe(403);
  });
});
