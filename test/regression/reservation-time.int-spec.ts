import { randomUUID } from 'node:crypto';
import { Topics } from '@tally/contracts';
import { periodStarted } from '../support/action-fixtures';
import { EmbeddedStack, startEmbeddedStack } from '../support/embedded-stack';

jest.setTimeout(60_000);

// Design section 1, Time: a hold and a grant lapse at their expiresAt with no further traffic,
// and the balance view, the gate and the alerts show it (how late: bench:reservations).
describe('holds and grants lapse on time, with no traffic (embedded stack on PostgreSQL)', () => {
  let stack: EmbeddedStack;
  const alerts: { type: string; workspaceId: string }[] = [];

  beforeAll(async () => {
    stack = await startEmbeddedStack('tally_reservation_time');
    const consumer = stack.bus.createConsumer({
      groupId: `alerts-${randomUUID()}`,
      topics: [Topics.balanceAlerts],
      handleBatch: async (batch) => {
        for (const message of batch.messages)
          alerts.push(JSON.parse(Buffer.from(message.value ?? []).toString('utf8')));
      },
    });
    await consumer.start();
  });

  afterAll(async () => {
    await stack.stop();
  });

  async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
      const found = await probe();
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('returns an expired hold and drops an expired grant from the balance, the gate and status', async () => {
    const workspaceId = `ws-${randomUUID()}`;
    const token = await stack.token('*', 'credits:read credits:reserve credits:admin events:write');
    const credits = `/v1/workspaces/${workspaceId}/credits`;
    const period = periodStarted(workspaceId, { allocationMicro: '1000000' });
    expect((await stack.call('POST', '/v1/events', token, [period])).status).toBe(202);
    const dueAt = Date.now() + 2_000;
    const grant = await stack.call('POST', `/v1/workspaces/${workspaceId}/credit-grants`, token, {
      grantType: 'compensation',
      credits: '0.5',
      reference: 'lapsing',
      expiresAt: new Date(dueAt).toISOString(),
    });
    expect(grant.status).toBe(201);
    const held = await stack.call('POST', `${credits}/reservations`, token, {
      reservationId: 'whole',
      amountMicro: '1500000',
      expiresAt: new Date(dueAt).toISOString(),
    });
    expect(held.status).toBe(201);
    await until('the hold in the balance', async () => {
      const { body } = await stack.call('GET', credits, token);
      return body.reservedMicro === '1500000' ? body : undefined;
    });
    expect((await stack.call('POST', `${credits}/check`, token, {})).body.allowed).toBe(false);

    const balance = await until('the lapse in the balance', async () => {
      const { body } = await stack.call('GET', credits, token);
      return body.reservedMicro === '0' && body.grantedMicro === '0' ? body : undefined;
    });
    expect(balance).toMatchObject({ status: 'active', totalAvailableMicro: '1000000' });
    expect((await stack.call('POST', `${credits}/check`, token, {})).body.allowed).toBe(true);
    await until('the alerts', async () => {
      const types = alerts.filter((alert) => alert.workspaceId === workspaceId).map((a) => a.type);
      return types.includes('CreditsReplenished') ? types : undefined;
    });
    expect(
      alerts.filter((alert) => alert.workspaceId === workspaceId).map((alert) => alert.type),
    ).toEqual(['CreditsReplenished', 'CreditsExhausted', 'CreditsReplenished']); // opened, held, lapsed
  });
});
