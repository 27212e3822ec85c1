import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createPgliteEventStore, EventStore, SqlClient } from '@tally/event-store';
import { createInProcessBus, MessageBus } from '@tally/messaging';
import { createBillingApi, signToken } from '../../../apps/billing-api/src';
import { RunningLedger, startLedger } from '../../../apps/ledger/src';
import { RunningProjector, startProjector } from '../../../apps/projector/src';
import {
  aiGenerate,
  CreditsClient,
  SettlementError,
  subscriptionPeriodStarted,
  TallyApiError,
} from './index';

jest.setTimeout(120_000);

const CREDIT = 1_000_000n;
const jwtSecret = `secret-${randomUUID()}`;
const scope = 'credits:read credits:reserve events:write credits:admin';
// gpt-4o under the default book: 1,200 × 2.5 + 300 × 10 µcr (docs/pricing.md).
const gpt4oCallMicro = 6_000n;
const gpt4oCall = { model: 'gpt-4o', inputTokens: 1_200, outputTokens: 300 };

/**
 * A proxy in front of the API that forwards every request but, `failing` times, answers 503
 * instead of the API's answer: the call was applied and its answer lost, as on a reset connection.
 */
function flakyProxy(target: string): { server: Server; failing: { count: number } } {
  const failing = { count: 0 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks);
      const upstream = await fetch(`${target}${request.url}`, {
        method: request.method,
        headers: request.headers as Record<string, string>,
        ...(body.length === 0 ? {} : { body }),
      });
      const text = await upstream.text();
      if (failing.count > 0) {
        failing.count -= 1;
        response.writeHead(503, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ code: 'UNAVAILABLE', message: 'lost', details: null }));
        return;
      }
      response.writeHead(upstream.status, { 'content-type': 'application/json' });
      response.end(text);
    });
  });
  return { server, failing };
}

describe('@tally/client against the billing API (embedded store, in-process bus)', () => {
  let store: EventStore & { sql: SqlClient };
  let bus: MessageBus;
  let ledger: RunningLedger;
  let projector: RunningProjector;
  let app: NestExpressApplication;
  let proxy: ReturnType<typeof flakyProxy>;
  let client: CreditsClient;
  let flaky: CreditsClient;

  /** A workspace whose open period holds `credits`. */
  async function workspaceWith(credits: bigint): Promise<string> {
    const workspaceId = `ws-${randomUUID()}`;
    const period = subscriptionPeriodStarted({
      workspaceId,
      cycle: 'monthly',
      periodStart: '2026-01-01T00:00:00Z',
      periodEnd: '2099-01-01T00:00:00Z',
      allocationMicro: credits * CREDIT,
    });
    expect(await client.publish([period])).toEqual({ accepted: 1, rejected: [] });
    return workspaceId;
  }

  const projected = async () =>
    projector.projector.waitFor(await store.lastCommittedPosition(), 30_000);

  beforeAll(async () => {
    store = await createPgliteEventStore();
    bus = createInProcessBus();
    // Ledger and API both read the topic names from the environment (TALLY_TOPIC_*), as npm start does.
    ledger = await startLedger({ store, sql: store.sql, bus, publishAlerts: false });
    projector = await startProjector({ store, sql: store.sql });
    app = await createBillingApi({ store, sql: store.sql, bus, jwtSecret, ledger: ledger.ledger });
    await app.listen(0, '127.0.0.1');
    const baseUrl = await app.getUrl();
    const token = await signToken({ workspaceId: '*', scope }, jwtSecret, 600);
    client = new CreditsClient({ baseUrl, token });
    proxy = flakyProxy(baseUrl);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.server.address() as AddressInfo;
    flaky = new CreditsClient({
      baseUrl: `http://127.0.0.1:${port}`,
      token,
      retry: { delayMsInitial: 10, delayMsMax: 50 },
    });
  });

  afterAll(async () => {
    await new Promise((resolve) => proxy.server.close(resolve));
    await app.close();
    await ledger.stop();
    await projector.stop();
    await bus.close();
    await store.close();
  });

  it('reserves, settles actions that name the reservation, and releases the rest', async () => {
    const workspaceId = await workspaceWith(10n);
    const held = await client.reserve(workspaceId, { reservationId: 'run-1', amountMicro: CREDIT });
    expect(held).toMatchObject({
      allowed: true,
      replayed: false,
      totalAvailableMicro: 9n * CREDIT,
      reservation: { status: 'held', heldMicro: CREDIT, spentMicro: 0n },
    });
    const actions = [1, 2].map(() =>
      aiGenerate({ workspaceId, source: 'ai-agent', ai: gpt4oCall, reservationId: 'run-1' }),
    );
    expect(await client.publish(actions)).toEqual({ accepted: 2, rejected: [] });
    expect(await client.getReservation(workspaceId, 'run-1')).toMatchObject({
      status: 'held',
      spentMicro: 2n * gpt4oCallMicro,
      heldMicro: CREDIT - 2n * gpt4oCallMicro,
    });
    const released = await client.release(workspaceId, 'run-1');
    expect(released).toMatchObject({ status: 'released', heldMicro: 0n });
    expect(await client.release(workspaceId, 'run-1')).toEqual(released);
    await projected();
    expect(await client.check(workspaceId)).toEqual({
      allowed: true,
      status: 'active',
      totalAvailableMicro: 10n * CREDIT - 2n * gpt4oCallMicro,
    });
    expect(await client.getReservation(workspaceId, 'nope')).toBeNull();
  });

  it('holds exactly 6 of 20 simultaneous reservations of 75 credits against 500', async () => {
    const workspaceId = await workspaceWith(500n);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        client.reserve(workspaceId, { reservationId: `job-${index}`, amountMicro: 75n * CREDIT }),
      ),
    );
    expect(answers.filter((answer) => answer.allowed)).toHaveLength(6);
    const refused = answers.filter((answer) => !answer.allowed);
    expect(refused).toHaveLength(14);
    for (const answer of refused) expect(answer).toMatchObject({ code: 'CREDITS_INSUFFICIENT' });
    await projected();
    expect(await client.check(workspaceId, 50n * CREDIT)).toMatchObject({
      allowed: true,
      totalAvailableMicro: 50n * CREDIT,
    });
    expect(await client.check(workspaceId, 50n * CREDIT + 1n)).toMatchObject({ allowed: false });
  });

  it('answers a replay with the reservation as it is, and throws RESERVATION_CONFLICT for another amount', async () => {
    const workspaceId = await workspaceWith(10n);
    await client.reserve(workspaceId, { reservationId: 'run-42', amountMicro: CREDIT });
    const again = await client.reserve(workspaceId, {
      reservationId: 'run-42',
      amountMicro: CREDIT,
    });
    expect(again).toMatchObject({
      allowed: true,
      replayed: true,
      reservation: { heldMicro: CREDIT },
    });
    const conflict = await client
      .reserve(workspaceId, { reservationId: 'run-42', amountMicro: 2n * CREDIT })
      .catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(TallyApiError);
    expect(conflict).toMatchObject({ status: 409, code: 'RESERVATION_CONFLICT' });
  });

  it('returns CREDITS_INSUFFICIENT as a result, and withReservation then runs no work', async () => {
    const workspaceId = await workspaceWith(1n);
    const request = { reservationId: 'big', amountMicro: 2n * CREDIT };
    expect(await client.reserve(workspaceId, request)).toEqual({
      allowed: false,
      code: 'CREDITS_INSUFFICIENT',
      totalAvailableMicro: CREDIT,
    });
    let ran = false;
    const work = async () => {
      ran = true;
      return [];
    };
    expect(await client.withReservation(workspaceId, request, work)).toMatchObject({
      allowed: false,
      code: 'CREDITS_INSUFFICIENT',
    });
    expect(ran).toBe(false);
  });

  it('withReservation settles the work’s AI actions on the hold and releases the rest', async () => {
    const workspaceId = await workspaceWith(10n);
    const result = await client.withReservation(
      workspaceId,
      { reservationId: 'chat-1', amountMicro: CREDIT },
      async (hold) => {
        expect(hold.reservation.status).toBe('held');
        const unnamed = aiGenerate({ workspaceId, source: 'ai-chat', ai: gpt4oCall });
        return [hold.aiGenerate({ source: 'ai-chat', ai: gpt4oCall }), unnamed];
      },
    );
    expect(result).toMatchObject({
      allowed: true,
      published: { accepted: 2, rejected: [] },
      reservation: { status: 'released', spentMicro: 2n * gpt4oCallMicro, heldMicro: 0n },
    });
    if (result.allowed)
      expect(result.actions.every((action) => action.reservationId === 'chat-1')).toBe(true);
    await projected();
    expect((await client.check(workspaceId)).totalAvailableMicro).toBe(
      10n * CREDIT - 2n * gpt4oCallMicro,
    );
  });

  it('withReservation runs no work on an id whose hold has ended, and refuses dot-segment ids', async () => {
    const workspaceId = await workspaceWith(10n);
    const request = { reservationId: 'used-once', amountMicro: CREDIT };
    await client.reserve(workspaceId, request);
    await client.release(workspaceId, 'used-once');
    let ran = false;
    const result = await client.withReservation(workspaceId, request, async () => {
      ran = true;
      return [];
    });
    expect(result).toMatchObject({
      allowed: false,
      code: 'RESERVATION_ENDED',
      reservation: { status: 'released' },
    });
    expect(ran).toBe(false);
    for (const reservationId of ['.', '..']) {
      await expect(client.reserve(workspaceId, { reservationId, amountMicro: 1n })).rejects.toThrow(
        /cannot be addressed in a URL/,
      );
      await expect(client.getReservation(workspaceId, reservationId)).rejects.toThrow(
        /cannot be addressed in a URL/,
      );
    }
  });

  it('withReservation releases the hold when the work fails, and rethrows its error', async () => {
    const workspaceId = await workspaceWith(10n);
    const failure = await client
      .withReservation(workspaceId, { reservationId: 'doomed', amountMicro: CREDIT }, async () => {
        throw new Error('the model timed out');
      })
      .catch((error: unknown) => error);
    expect(failure).toEqual(new Error('the model timed out'));
    expect(failure).not.toBeInstanceOf(SettlementError);
    expect(await client.getReservation(workspaceId, 'doomed')).toMatchObject({
      status: 'released',
      heldMicro: 0n,
    });
    await projected();
    expect((await client.check(workspaceId)).totalAvailableMicro).toBe(10n * CREDIT);
  });

  it('retries a reservation and a publish whose answers were lost, holding and charging once', async () => {
    const workspaceId = await workspaceWith(10n);
    proxy.failing.count = 1;
    const held = await flaky.reserve(workspaceId, { reservationId: 'lost', amountMicro: CREDIT });
    expect(held).toMatchObject({
      allowed: true,
      replayed: true,
      reservation: { heldMicro: CREDIT },
    });
    proxy.failing.count = 2;
    const action = aiGenerate({
      workspaceId,
      source: 'ai-agent',
      ai: gpt4oCall,
      reservationId: 'lost',
    });
    expect(await flaky.publish([action])).toEqual({ accepted: 1, rejected: [] });
    expect(await flaky.release(workspaceId, 'lost')).toMatchObject({
      status: 'released',
      spentMicro: gpt4oCallMicro,
    });
    await projected();
    expect((await client.check(workspaceId)).totalAvailableMicro).toBe(
      10n * CREDIT - gpt4oCallMicro,
    );
  });

  it("surfaces the API's per-item rejections with their index", async () => {
    const workspaceId = await workspaceWith(1n);
    const readerToken = await signToken({ workspaceId, scope: 'events:write' }, jwtSecret, 600);
    const own = new CreditsClient({ baseUrl: await app.getUrl(), token: readerToken });
    const other = aiGenerate({
      workspaceId: `ws-${randomUUID()}`,
      source: 'ai-chat',
      ai: gpt4oCall,
    });
    const mine = aiGenerate({ workspaceId, source: 'ai-chat', ai: gpt4oCall });
    const handMade = { ...mine, eventId: randomUUID(), action: { kind: 'code.run' } };
    const result = await own.publish([mine, other, handMade as typeof mine]);
    expect(result.accepted).toBe(1);
    expect(result.rejected).toEqual([
      expect.objectContaining({ index: 1, eventId: other.eventId, code: 'WORKSPACE_FORBIDDEN' }),
      expect.objectContaining({ index: 2, code: 'VALIDATION_FAILED' }),
    ]);
  });
});
