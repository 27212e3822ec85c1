import { randomUUID } from 'node:crypto';
import { dlqTopicOf, Topics } from '@tally/contracts';
import type { BusMessage } from '@tally/messaging';
import {
  actionExecuted,
  eventually,
  packPurchased,
  periodStarted,
} from '../support/action-fixtures';
import { EmbeddedStack, startEmbeddedStack } from '../support/embedded-stack';

// Issue 12's reproductions against the embedded stack (what `npm start` runs), each by name.
// Every one of them failed on the code before the hardening.

jest.setTimeout(60_000);

const operatorScopes = 'credits:read credits:purchase credits:admin events:write';

describe('hardening: no input stops Tally or moves money wrongly', () => {
  let stack: EmbeddedStack;
  let operator: string;

  const balanceOf = async (
    workspaceId: string,
  ): Promise<{ totalAvailableMicro: string; purchasedMicro: string; period: unknown }> =>
    (await stack.call('GET', `/v1/workspaces/${workspaceId}/credits`, operator)).body;

  const openPeriodFor = async (
    workspaceId: string,
    options: Parameters<typeof periodStarted>[1] = {},
  ): Promise<void> => {
    const answer = await stack.call(
      'POST',
      '/v1/events',
      operator,
      periodStarted(workspaceId, options),
    );
    expect(answer.body).toEqual({ accepted: 1, rejected: [] });
  };

  // One reader of both DLQs for the whole suite: on the in-process bus a publish waits for every
  // group that ever consumed the topic, so a reader stopped mid-suite would hold the ledger up.
  const deadLetters: BusMessage[] = [];
  let stopDeadLetterReader: () => Promise<void> = async () => undefined;

  /** The dead letters of one workspace on a topic's DLQ so far. */
  const deadLettersOf = async (topic: string, workspaceId: string): Promise<BusMessage[]> => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    return deadLetters.filter(
      (message) => message.key === workspaceId && message.headers['x-original-topic'] === topic,
    );
  };

  beforeAll(async () => {
    stack = await startEmbeddedStack('tally_hardening');
    operator = await stack.token('*', operatorScopes);
    const reader = stack.bus.createConsumer({
      groupId: 'hardening-dlq-reader',
      topics: [dlqTopicOf(Topics.actionExecuted), dlqTopicOf(Topics.subscription)],
      handleBatch: async (batch) => {
        deadLetters.push(...batch.messages);
      },
    });
    await reader.start();
    stopDeadLetterReader = () => reader.stop();
  });

  afterAll(async () => {
    await stopDeadLetterReader();
    await stack?.stop();
  });

  it('refuses an action given as an array, and projections keep going for every workspace (1)', async () => {
    const [attacker, other] = [`ws-${randomUUID()}`, `ws-${randomUUID()}`];
    await openPeriodFor(attacker);
    await openPeriodFor(other);
    for (const action of [[], [{ kind: 'record.create' }]]) {
      const answer = await stack.call('POST', '/v1/events', operator, {
        ...actionExecuted(attacker, { kind: 'record.create' }),
        action,
      });
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({
        accepted: 0,
        rejected: [{ index: 0, code: 'VALIDATION_FAILED' }],
      });
    }
    const pack = await stack.call('POST', `/v1/workspaces/${other}/credit-packs`, operator, {
      credits: '10',
      paymentRef: randomUUID(),
    });
    expect(pack.status).toBe(201);
    await eventually(
      async () => ((await balanceOf(other)).purchasedMicro === '10000000' ? true : undefined),
      10_000,
      "the other tenant's pack in its balance",
    );
  });

  it("refuses credits-moving billing messages from a workspace's own events:write token (review finding)", async () => {
    const workspaceId = `ws-${randomUUID()}`;
    const tenant = await stack.token(workspaceId, 'events:write');
    const grant = {
      eventId: randomUUID(),
      type: 'CreditsGranted',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      workspaceId,
      grantType: 'compensation',
      credits: '999999999',
      reference: 'free-1',
    };
    const answer = await stack.call('POST', '/v1/events', tenant, [
      grant,
      packPurchased(workspaceId, '11'),
      periodStarted(workspaceId),
      actionExecuted(workspaceId, { kind: 'web.search' }),
    ]);
    expect(answer.body.accepted).toBe(1);
    expect(
      answer.body.rejected.map((item: { index: number; code: string }) => [item.index, item.code]),
    ).toEqual([
      [0, 'INSUFFICIENT_SCOPE'],
      [1, 'INSUFFICIENT_SCOPE'],
      [2, 'INSUFFICIENT_SCOPE'],
    ]);
  });

  it('refuses occurredAt in year 0 and token counts whose daily sum would overflow (1)', async () => {
    const workspaceId = `ws-${randomUUID()}`;
    const ancient = actionExecuted(
      workspaceId,
      { kind: 'record.create' },
      { occurredAt: '0000-01-01T00:00:00Z' },
    );
    const max = Number.MAX_SAFE_INTEGER;
    const huge = actionExecuted(workspaceId, {
      kind: 'ai.generate',
      ai: { model: 'gpt-4o', inputTokens: max, outputTokens: max, cachedInputTokens: max },
    });
    const answer = await stack.call('POST', '/v1/events', operator, [
      ancient,
      ...Array.from({ length: 12 }, () => huge),
    ]);
    expect(answer.body.accepted).toBe(0);
    expect(answer.body.rejected).toHaveLength(13);
  });

  it.each([
    ['a NUL in eventId', '"a\\u0000b"'],
    ['a lone surrogate in eventId', '"x\\ud800"'],
  ])(
    'refuses %s with a 400, and the next event on the topic still applies (2)',
    async (_name, eventIdJson) => {
      const workspaceId = `ws-${randomUUID()}`;
      await openPeriodFor(workspaceId);
      const hostile = JSON.stringify(actionExecuted(workspaceId, { kind: 'web.search' })).replace(
        /"eventId":"[^"]+"/,
        `"eventId":${eventIdJson}`,
      );
      const refused = await stack.call('POST', '/v1/events', operator, hostile);
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
      const next = await stack.call(
        'POST',
        '/v1/events',
        operator,
        actionExecuted(workspaceId, { kind: 'web.search' }),
      );
      expect(next.body).toEqual({ accepted: 1, rejected: [] });
      await eventually(
        async () =>
          (await balanceOf(workspaceId)).totalAvailableMicro === '4990000' ? true : undefined,
        10_000,
        'the debit',
      );
    },
  );

  it('isolates an event the store refuses on the in-process bus: its request answers, it is dead-lettered STORE_REJECTED, the rest applies (2)', async () => {
    const workspaceId = `ws-${randomUUID()}`;
    await openPeriodFor(workspaceId);
    const poison = actionExecuted(workspaceId, { kind: 'web.search' });
    await stack.database.sql.query(
      `ALTER TABLE event_store_events ADD CONSTRAINT refuse_${workspaceId.slice(3, 11)} CHECK (data->>'sourceEventId' IS DISTINCT FROM '${poison.eventId}') NOT VALID`,
    );
    const answer = await stack.call('POST', '/v1/events', operator, [
      actionExecuted(workspaceId, { kind: 'web.search' }),
      poison,
      actionExecuted(workspaceId, { kind: 'web.search' }),
    ]);
    expect(answer.body).toEqual({ accepted: 3, rejected: [] });
    const next = await stack.call(
      'POST',
      '/v1/events',
      operator,
      actionExecuted(workspaceId, { kind: 'web.search' }),
    );
    expect(next.status).toBe(202);
    await eventually(
      async () =>
        (await balanceOf(workspaceId)).totalAvailableMicro === '4970000' ? true : undefined,
      10_000,
      'three debits',
    );
    const letters = await deadLettersOf(Topics.actionExecuted, workspaceId);
    expect(letters.map((letter) => letter.headers['x-error-code'])).toEqual(['STORE_REJECTED']);
  });

  it('refuses ai: [] on ai.generate instead of charging 0 µcr (3)', async () => {
    const workspaceId = `ws-${randomUUID()}`;
    const answer = await stack.call('POST', '/v1/events', operator, {
      ...actionExecuted(workspaceId, { kind: 'record.create' }),
      action: { kind: 'ai.generate', ai: [] },
    });
    expect(answer.body).toMatchObject({ accepted: 0, rejected: [{ code: 'VALIDATION_FAILED' }] });
  });

  it.each(['__proto__', 'constructor'])(
    'refuses a %s key in a pack body with a 400 like any unknown key (3)',
    async (key) => {
      const workspaceId = `ws-${randomUUID()}`;
      const body = `{"${key}": {"credits": "500"}, "credits": "10", "paymentRef": "${randomUUID()}"}`;
      const answer = await stack.call(
        'POST',
        `/v1/workspaces/${workspaceId}/credit-packs`,
        operator,
        body,
      );
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('VALIDATION_FAILED');
    },
  );

  const workspaceForBadInput = `ws-${randomUUID()}`;
  it.each([
    [
      'a NUL in paymentRef',
      'POST',
      'credit-packs',
      '{"credits": "10", "paymentRef": "a\\u0000b"}',
      400,
    ],
    [
      'a lone surrogate in paymentRef',
      'POST',
      'credit-packs',
      '{"credits": "10", "paymentRef": "x\\ud800"}',
      400,
    ],
    [
      'a NUL in a grant reference',
      'POST',
      'credit-grants',
      '{"grantType": "sales", "credits": "1", "reference": "a\\u0000"}',
      400,
    ],
    [
      'expiresAt: null on a grant',
      'POST',
      'credit-grants',
      '{"grantType": "sales", "credits": "1", "reference": "r1", "expiresAt": null}',
      400,
    ],
    [
      'expiresAt on February 30',
      'POST',
      'credit-grants',
      '{"grantType": "sales", "credits": "1", "reference": "r2", "expiresAt": "2027-02-30T00:00:00Z"}',
      400,
    ],
    [
      'expiresAt in year 0',
      'POST',
      'credit-grants',
      '{"grantType": "sales", "credits": "1", "reference": "r3", "expiresAt": "0000-01-01T00:00:00Z"}',
      400,
    ],
    ['requiredMicro: null on check', 'POST', 'credits/check', '{"requiredMicro": null}', 400],
    [
      '10,000-deep nested JSON',
      'POST',
      'credits/check',
      `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
      400,
    ],
    ['usage from=2026-13-45', 'GET', 'credits/usage?from=2026-13-45', undefined, 400],
    [
      'usage to=2026-01-01T23:59:60Z',
      'GET',
      'credits/usage?to=2026-01-01T23:59:60Z',
      undefined,
      400,
    ],
    ['usage in year 0', 'GET', 'credits/usage?from=0000-01-01&to=0000-12-31', undefined, 400],
  ])(
    'answers %s with a 4xx and an error body, never a 5xx (4)',
    async (_name, method, route, body, status) => {
      const answer = await stack.call(
        method,
        `/v1/workspaces/${workspaceForBadInput}/${route}`,
        operator,
        body,
      );
      expect(answer.status).toBe(status);
      expect(answer.body).toEqual(
        expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
      );
    },
  );

  it('answers JSON declared in another charset than UTF-8 with 415 (4)', async () => {
    const path = `/v1/workspaces/${workspaceForBadInput}/credits/check`;
    for (const charset of ['latin1', 'utf-16']) {
      const answer = await stack.call('POST', path, operator, '{}', {
        'content-type': `application/json; charset=${charset}`,
      });
      expect(answer.status).toBe(415);
      expect(answer.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    const bytes = await fetch(`${stack.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
    });
    expect(bytes.status).toBe(415);
  });

  it('refuses an envelope over the per-envelope limit at the API instead of accepting what the ledger would dead-letter (5)', async () => {
    const workspaceId = `ws-${randomUUID()}`;
    const large = actionExecuted(
      workspaceId,
      { kind: 'record.create' },
      { padding: 'x'.repeat(1_200_000) },
    );
    const answer = await stack.call('POST', '/v1/events', operator, large);
    expect(answer.body).toMatchObject({
      accepted: 0,
      rejected: [{ index: 0, code: 'PAYLOAD_TOO_LARGE' }],
    });
  });

  it('answers a pack replayed with other content with 409 showing what was applied (6)', async () => {
    const workspaceId = `ws-${randomUUID()}`;
    const paymentRef = randomUUID();
    const path = `/v1/workspaces/${workspaceId}/credit-packs`;
    expect((await stack.call('POST', path, operator, { credits: '10', paymentRef })).status).toBe(
      201,
    );
    const conflict = await stack.call('POST', path, operator, { credits: '500', paymentRef });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({
      code: 'IDEMPOTENCY_CONFLICT',
      details: { applied: { paymentRef, credits: '10', creditsMicro: '10000000' } },
    });
    const replay = await stack.call('POST', path, operator, { credits: '10', paymentRef });
    expect(replay.status).toBe(200);
    expect(replay.body.replayed).toBe(true);
  });

  it('answers a grant replayed with other content with 409 showing what was applied (6)', async () => {
    const workspaceId = `ws-${randomUUID()}`;
    const reference = randomUUID();
    const path = `/v1/workspaces/${workspaceId}/credit-grants`;
    expect(
      (await stack.call('POST', path, operator, { grantType: 'sales', credits: '5', reference }))
        .status,
    ).toBe(201);
    const conflict = await stack.call('POST', path, operator, {
      grantType: 'sales',
      credits: '5',
      reference,
      expiresAt: '2030-01-01T00:00:00Z',
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.details.applied).toMatchObject({
      reference,
      grantType: 'sales',
      credits: '5',
      expiresAt: null,
    });
  });

  it('dead-letters a CreditPackPurchased on the bus that replays an HTTP purchase with other content (6)', async () => {
    const workspaceId = `ws-${randomUUID()}`;
    const paymentRef = randomUUID();
    expect(
      (
        await stack.call('POST', `/v1/workspaces/${workspaceId}/credit-packs`, operator, {
          credits: '10',
          paymentRef,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await stack.call(
          'POST',
          '/v1/events',
          operator,
          packPurchased(workspaceId, '50', paymentRef),
        )
      ).body.accepted,
    ).toBe(1);
    const letters = await deadLettersOf(Topics.subscription, workspaceId);
    expect(letters.map((letter) => letter.headers['x-error-code'])).toEqual([
      'IDEMPOTENCY_CONFLICT',
    ]);
    await eventually(
      async () => ((await balanceOf(workspaceId)).purchasedMicro === '10000000' ? true : undefined),
      10_000,
      'the one pack',
    );
  });

  it('changes nothing when the open period starts again with a new eventId, and dead-letters an older one (7)', async () => {
    const workspaceId = `ws-${randomUUID()}`;
    const december = {
      periodStart: '2026-12-01T00:00:00.000Z',
      periodEnd: '2027-01-01T00:00:00.000Z',
    };
    await openPeriodFor(workspaceId, december);
    expect(
      (
        await stack.call(
          'POST',
          '/v1/events',
          operator,
          actionExecuted(workspaceId, { kind: 'web.search' }),
        )
      ).body.accepted,
    ).toBe(1);
    await openPeriodFor(workspaceId, december);
    await openPeriodFor(workspaceId, {
      periodStart: '2026-11-01T00:00:00.000Z',
      periodEnd: '2026-12-01T00:00:00.000Z',
    });
    const types = (await stack.database.store.readStream(`credits-${workspaceId}`)).map(
      (event) => event.type,
    );
    expect(
      types.filter((type) => type === 'CreditPeriodOpened' || type === 'CreditPeriodClosed'),
    ).toEqual(['CreditPeriodOpened']);
    const letters = await deadLettersOf(Topics.subscription, workspaceId);
    expect(letters.map((letter) => letter.headers['x-error-code'])).toEqual(['PERIOD_OUTDATED']);
  });
});
