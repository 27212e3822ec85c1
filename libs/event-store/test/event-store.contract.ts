import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type EventData,
  type EventStore,
  type Position,
  type RecordedEvent,
  type SqlClient,
  START,
  EventDataRejectedError,
  HeldStreamMovedError,
  WrongExpectedRevisionError,
  comparePositions,
  positionFromString,
  positionToString,
} from '@tally/event-store';

export interface EventStoreFixture {
  /** With the SqlClient it runs on, to open transactions on the store's database. */
  store: EventStore & { sql: SqlClient };
  dispose(): Promise<void>;
}

// Visibility waits on every transaction of the server (README, global order), and other
// suites run theirs in parallel on the same server: allow for them under load.
const EVENTUALLY_TIMEOUT_MS = 60_000;
const EVENTUALLY_STEP_MS = 20;
// Generous: PGlite start-up and a loaded CI machine are slow; timings are not what these tests check.
const SETUP_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 90_000;

function event(type = 'Tested', data: unknown = { n: 1 }): EventData {
  return { id: randomUUID(), type, data };
}

function events(count: number, type = 'Tested'): EventData[] {
  return Array.from({ length: count }, (_, index) => event(type, { index }));
}

async function eventually(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + EVENTUALLY_TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, EVENTUALLY_STEP_MS));
  }
}

/**
 * Waits until readers can see everything committed so far. The global order shows only
 * transactions older than the oldest one still running on the server, and other suites run
 * their own transactions on the same server in parallel, so visibility can lag for a moment.
 */
async function untilEverythingVisible(store: EventStore): Promise<void> {
  const committed = await store.lastCommittedPosition();
  const deadline = Date.now() + EVENTUALLY_TIMEOUT_MS;
  while (comparePositions(await store.headPosition(), committed) < 0) {
    if (Date.now() > deadline) throw new Error('committed events did not become visible in time');
    await new Promise((resolve) => setTimeout(resolve, EVENTUALLY_STEP_MS));
  }
}

/** Until a holding append on this database waits on a lock (PostgreSQL only). */
async function untilHoldingAppendWaits(sql: SqlClient): Promise<void> {
  const deadline = Date.now() + EVENTUALLY_TIMEOUT_MS;
  for (;;) {
    const [row] = await sql.query<{ waiting: string }>(
      `SELECT count(*)::text AS waiting FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'
          AND strpos(query, 'event_store_append_holding') > 0`,
    );
    if (row?.waiting !== '0') return;
    if (Date.now() > deadline) throw new Error('the append did not wait on the lock in time');
    await new Promise((resolve) => setTimeout(resolve, EVENTUALLY_STEP_MS));
  }
}

/** Every behaviour an EventStore implementation promises, run against a fresh store. */
export function eventStoreContract(
  name: string,
  createFixture: () => Promise<EventStoreFixture>,
): void {
  describe(`${name} event store contract`, () => {
    let fixture: EventStoreFixture;
    let store: EventStore & { sql: SqlClient };
    // Isolation by fresh random names, never by truncation.
    const stream = (label: string): string => `${label}-${randomUUID()}`;

    beforeAll(async () => {
      fixture = await createFixture();
      store = fixture.store;
    }, SETUP_TIMEOUT_MS);
    afterAll(async () => {
      await fixture.dispose();
    }, SETUP_TIMEOUT_MS);

    describe('expected revision', () => {
      it('appends the first event at revision 0 when the stream must not exist', async () => {
        const name = stream('first');
        const result = await store.appendToStream(name, [event()], {
          expectedRevision: 'no_stream',
        });
        expect(result).toEqual({
          streamName: name,
          nextExpectedRevision: 0n,
          appendedCount: 1,
          duplicateCount: 0,
        });
      });

      it('refuses no_stream on a stream that has events, with the typed error', async () => {
        const name = stream('exists');
        await store.appendToStream(name, [event()]);
        const failure = store.appendToStream(name, [event()], { expectedRevision: 'no_stream' });
        await expect(failure).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(failure).rejects.toMatchObject({
          code: 'WRONG_EXPECTED_REVISION',
          streamName: name,
          expected: 'no_stream',
          actual: 0n,
        });
      });

      it('refuses stream_exists on a stream without events', async () => {
        const name = stream('missing');
        await expect(
          store.appendToStream(name, [event()], { expectedRevision: 'stream_exists' }),
        ).rejects.toMatchObject({
          code: 'WRONG_EXPECTED_REVISION',
          expected: 'stream_exists',
          actual: 'no_stream',
        });
        await store.appendToStream(name, [event()]);
        await expect(
          store.appendToStream(name, [event()], { expectedRevision: 'stream_exists' }),
        ).resolves.toMatchObject({ nextExpectedRevision: 1n });
      });

      it('refuses an exact revision that is not the current one and accepts the current one', async () => {
        const name = stream('exact');
        await store.appendToStream(name, events(3));
        await expect(
          store.appendToStream(name, [event()], { expectedRevision: 1n }),
        ).rejects.toMatchObject({ expected: 1n, actual: 2n });
        await expect(
          store.appendToStream(name, [event()], { expectedRevision: 2n }),
        ).resolves.toMatchObject({ nextExpectedRevision: 3n });
      });

      it('appends whatever the revision when the expectation is any', async () => {
        const name = stream('any');
        await store.appendToStream(name, events(2), { expectedRevision: 'any' });
        await expect(
          store.appendToStream(name, events(2), { expectedRevision: 'any' }),
        ).resolves.toMatchObject({ nextExpectedRevision: 3n, appendedCount: 2 });
      });

      it('leaves the stream unchanged when the expected revision is wrong', async () => {
        const name = stream('unchanged');
        await store.appendToStream(name, [event()]);
        await expect(
          store.appendToStream(name, events(2), { expectedRevision: 5n }),
        ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(name)).toHaveLength(1);
        expect((await store.streamRevisions([name])).get(name)).toBe(0n);
      });
    });

    describe('idempotency by event id', () => {
      it('stores an event once when the same append is retried, without checking the revision again', async () => {
        const name = stream('retry');
        const batch = events(3);
        await store.appendToStream(name, batch, { expectedRevision: 'no_stream' });
        const retried = await store.appendToStream(name, batch, { expectedRevision: 'no_stream' });
        expect(retried).toEqual({
          streamName: name,
          nextExpectedRevision: 2n,
          appendedCount: 0,
          duplicateCount: 3,
        });
        expect(await store.readStream(name)).toHaveLength(3);
      });

      it('skips the stored events of a partly new append and appends the rest under the revision check', async () => {
        const name = stream('partial');
        const [first, second] = [event(), event()];
        await store.appendToStream(name, [first]);
        const result = await store.appendToStream(name, [first, second], { expectedRevision: 0n });
        expect(result).toEqual({
          streamName: name,
          nextExpectedRevision: 1n,
          appendedCount: 1,
          duplicateCount: 1,
        });
        await expect(
          store.appendToStream(name, [first, event()], { expectedRevision: 0n }),
        ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect((await store.readStream(name)).map((recorded) => recorded.id)).toEqual([
          first.id,
          second.id,
        ]);
      });

      it('does not store an id again in another stream', async () => {
        const shared = event();
        const [left, right] = [stream('left'), stream('right')];
        await store.appendToStream(left, [shared]);
        const result = await store.appendToStream(right, [shared, event()]);
        expect(result).toMatchObject({
          appendedCount: 1,
          duplicateCount: 1,
          nextExpectedRevision: 0n,
        });
        expect(await store.readStream(right)).toHaveLength(1);
      });

      it('stores an id repeated within one append once', async () => {
        const name = stream('repeat');
        const once = event();
        const result = await store.appendToStream(name, [once, once]);
        expect(result).toMatchObject({ appendedCount: 1, duplicateCount: 1 });
      });

      it('reports which ids are already stored, as spelled by the caller', async () => {
        const stored = event();
        await store.appendToStream(stream('ids'), [stored]);
        const unknown = randomUUID();
        const found = await store.existingEventIds([
          stored.id.toUpperCase(),
          unknown,
          'not-a-uuid',
        ]);
        expect([...found]).toEqual([stored.id.toUpperCase()]);
      });

      it('reads stored events by id, leaving unknown ids out', async () => {
        const name = stream('by-id');
        const [first, second] = events(2) as [EventData, EventData];
        await store.appendToStream(name, [first, second]);
        const found = await store.readEventsById([
          second.id.toUpperCase(),
          randomUUID(),
          'not-a-uuid',
        ]);
        expect(
          found.map((recorded) => [recorded.id, recorded.streamName, recorded.revision]),
        ).toEqual([[second.id, name, 1n]]);
      });

      it('refuses data PostgreSQL cannot store with EventDataRejectedError, appending nothing', async () => {
        const name = stream('refused');
        const refused = { ...event(), data: { text: 'a\u0000b' } };
        await expect(store.appendToStream(name, [event(), refused])).rejects.toBeInstanceOf(
          EventDataRejectedError,
        );
        expect(await store.readStream(name)).toEqual([]);
      });
    });

    describe('appendMany', () => {
      it('appends to several streams in one transaction and reports each in input order', async () => {
        const [a, b] = [stream('many-a'), stream('many-b')];
        const results = await store.appendMany([
          { streamName: a, events: events(2), expectedRevision: 'no_stream' },
          { streamName: b, events: events(3), expectedRevision: 'any' },
        ]);
        expect(results).toEqual([
          { streamName: a, nextExpectedRevision: 1n, appendedCount: 2, duplicateCount: 0 },
          { streamName: b, nextExpectedRevision: 2n, appendedCount: 3, duplicateCount: 0 },
        ]);
      });

      it('appends nothing to any stream when one stream has the wrong revision', async () => {
        const [a, b] = [stream('atomic-a'), stream('atomic-b')];
        await store.appendToStream(b, [event()]);
        const failure = store.appendMany([
          { streamName: a, events: events(2), expectedRevision: 'no_stream' },
          { streamName: b, events: events(1), expectedRevision: 'no_stream' },
        ]);
        await expect(failure).rejects.toMatchObject({
          code: 'WRONG_EXPECTED_REVISION',
          streamName: b,
        });
        expect(await store.readStream(a)).toEqual([]);
        expect(await store.streamRevisions([a, b])).toEqual(new Map([[b, 0n]]));
      });

      it('makes the writes alongside in the same statement: with the append, or not at all', async () => {
        await store.sql.query(
          'CREATE TABLE IF NOT EXISTS contract_alongside (stream_name text, stream_index int, duplicate_count int)',
        );
        const [a, b] = [stream('alongside-a'), stream('alongside-b')];
        const stored = event();
        await store.appendToStream(b, [stored]);
        const alongside = (bind: (value: unknown) => string) => [
          `INSERT INTO contract_alongside
           SELECT u.name, a.stream_index, a.duplicate_count
             FROM appended a JOIN unnest(${bind([a, b])}::text[]) WITH ORDINALITY AS u(name, i)
               ON u.i = a.stream_index`,
        ];
        const rows = () =>
          store.sql.query<{ stream_name: string; stream_index: number; duplicate_count: number }>(
            'SELECT stream_name, stream_index, duplicate_count FROM contract_alongside WHERE stream_name = ANY($1::text[]) ORDER BY stream_index',
            [[a, b]],
          );
        const refused = store.appendMany(
          [
            { streamName: a, events: events(1), expectedRevision: 'no_stream' },
            { streamName: b, events: events(1), expectedRevision: 'no_stream' },
          ],
          { alongside },
        );
        await expect(refused).rejects.toMatchObject({ code: 'WRONG_EXPECTED_REVISION' });
        expect(await rows()).toEqual([]);
        await store.appendMany(
          [
            { streamName: a, events: events(1), expectedRevision: 'no_stream' },
            { streamName: b, events: [stored], expectedRevision: 'any' },
          ],
          { alongside },
        );
        expect(await rows()).toEqual([
          { stream_name: a, stream_index: 1, duplicate_count: 0 },
          { stream_name: b, stream_index: 2, duplicate_count: 1 },
        ]);
      });

      it('tells the writes alongside the position of the last event stored in each stream', async () => {
        await store.sql.query(
          'CREATE TABLE IF NOT EXISTS contract_alongside_position (stream_index int, last_position bigint)',
        );
        const [a, b, c] = [stream('position-a'), stream('position-b'), stream('position-c')];
        const stored = event();
        await store.appendToStream(c, [stored]);
        const alongside = () => [
          'INSERT INTO contract_alongside_position SELECT a.stream_index, a.last_position FROM appended a',
        ];
        await store.sql.query('DELETE FROM contract_alongside_position');
        await store.appendMany(
          [
            { streamName: a, events: events(3), expectedRevision: 'no_stream' },
            { streamName: b, events: events(1), expectedRevision: 'no_stream' },
            { streamName: c, events: [stored], expectedRevision: 'any' },
          ],
          { alongside },
        );
        const rows = await store.sql.query<{ stream_index: number; last_position: string | null }>(
          'SELECT stream_index, last_position::text FROM contract_alongside_position ORDER BY stream_index',
        );
        const lastOf = async (name: string) =>
          (await store.readStream(name)).at(-1)?.position.prepare.toString();
        expect(rows).toEqual([
          { stream_index: 1, last_position: await lastOf(a) },
          { stream_index: 2, last_position: await lastOf(b) },
          { stream_index: 3, last_position: null },
        ]);
      });

      it('fails the whole append on an already stored id when asked to reject duplicates', async () => {
        const [a, b] = [stream('reject-a'), stream('reject-b')];
        const stored = event();
        await store.appendToStream(b, [stored]);
        const failure = store.appendMany(
          [
            { streamName: a, events: events(2), expectedRevision: 'no_stream' },
            { streamName: b, events: [stored, event()], expectedRevision: 0n },
          ],
          { rejectDuplicates: true },
        );
        await expect(failure).rejects.toMatchObject({ code: 'DUPLICATE_EVENT' });
        expect(await store.readStream(a)).toEqual([]);
        expect(await store.streamRevisions([a, b])).toEqual(new Map([[b, 0n]]));
      });

      it('fails the whole append on an id given twice when asked to reject duplicates', async () => {
        const [a, b] = [stream('reject-twice-a'), stream('reject-twice-b')];
        const twice = event();
        const failure = store.appendMany(
          [
            { streamName: a, events: [twice], expectedRevision: 'no_stream' },
            { streamName: b, events: [event(), twice], expectedRevision: 'no_stream' },
          ],
          { rejectDuplicates: true },
        );
        await expect(failure).rejects.toMatchObject({ code: 'DUPLICATE_EVENT' });
        expect(await store.streamRevisions([a, b])).toEqual(new Map());
      });

      it('keeps the input order of events in the global order', async () => {
        const [a, b] = [stream('order-a'), stream('order-b')];
        const [a1, b1, a2] = [event(), event(), event()];
        const before = await store.headPosition();
        await store.appendMany([
          { streamName: a, events: [a1, a2], expectedRevision: 'any' },
          { streamName: b, events: [b1], expectedRevision: 'any' },
        ]);
        await untilEverythingVisible(store);
        const read = await store.readAll({
          fromPosition: before,
          filter: { streamPrefixes: [a, b] },
        });
        expect(read.map((recorded) => recorded.id)).toEqual([a1.id, a2.id, b1.id]);
      });
    });

    describe('reading a stream', () => {
      it('reads forwards and backwards from a revision with a maximum count', async () => {
        const name = stream('read');
        await store.appendToStream(name, events(5));
        const revisions = (read: RecordedEvent[]): bigint[] =>
          read.map((recorded) => recorded.revision);
        expect(revisions(await store.readStream(name))).toEqual([0n, 1n, 2n, 3n, 4n]);
        expect(revisions(await store.readStream(name, { fromRevision: 2n, maxCount: 2 }))).toEqual([
          2n,
          3n,
        ]);
        expect(revisions(await store.readStream(name, { direction: 'backwards' }))).toEqual([
          4n,
          3n,
          2n,
          1n,
          0n,
        ]);
        expect(
          revisions(
            await store.readStream(name, { direction: 'backwards', fromRevision: 3n, maxCount: 2 }),
          ),
        ).toEqual([3n, 2n]);
        expect(await store.readStream(name, { fromRevision: 'end' })).toEqual([]);
        expect(await store.readStream(stream('never-written'))).toEqual([]);
      });

      it('returns the stored fields of each event', async () => {
        const name = stream('fields');
        const written = {
          id: randomUUID(),
          type: 'CreditDebited',
          data: { amountMicro: '100', nested: { ok: true } },
          metadata: { causationId: 'x' },
        };
        await store.appendToStream(name, [written]);
        const [read] = await store.readStream(name);
        expect(read).toMatchObject({
          id: written.id,
          type: written.type,
          streamName: name,
          revision: 0n,
          data: written.data,
          metadata: written.metadata,
        });
        expect(read?.createdAt).toBeInstanceOf(Date);
        expect(comparePositions(read?.position ?? START, START)).toBe(1);
      });
    });

    describe('reading all', () => {
      it('reads after an exclusive position in global order, filtered by type and stream prefix', async () => {
        const prefix = `filter-${randomUUID()}`;
        const before = await store.headPosition();
        await store.appendToStream(`${prefix}-a`, [event('Kept'), event('Dropped'), event('Kept')]);
        await store.appendToStream(`${prefix}-b`, [event('Kept')]);
        await store.appendToStream(stream('elsewhere'), [event('Kept')]);
        await untilEverythingVisible(store);
        const read = await store.readAll({
          fromPosition: before,
          filter: { eventTypes: ['Kept'], streamPrefixes: [prefix] },
        });
        expect(read.map((recorded) => [recorded.streamName, recorded.type])).toEqual([
          [`${prefix}-a`, 'Kept'],
          [`${prefix}-a`, 'Kept'],
          [`${prefix}-b`, 'Kept'],
        ]);
        const afterFirst = await store.readAll({
          fromPosition: read[0]?.position,
          maxCount: 1,
          filter: { streamPrefixes: [prefix] },
        });
        expect(afterFirst.map((recorded) => recorded.type)).toEqual(['Dropped']);
      });

      it('reports the head position as the position of the last visible event', async () => {
        await store.appendToStream(stream('head'), events(2));
        const head = await store.headPosition();
        expect(await store.readAll({ fromPosition: head })).toEqual([]);
      });

      it('reports the last committed position as the position of the newest appended event', async () => {
        const name = stream('last-committed');
        await store.appendToStream(name, events(3));
        const [newest] = await store.readStream(name, { direction: 'backwards', maxCount: 1 });
        expect(await store.lastCommittedPosition()).toEqual(newest?.position);
      });

      it('round-trips positions through their checkpoint text', () => {
        const position: Position = { commit: 123456789012n, prepare: 42n };
        expect(positionFromString(positionToString(position))).toEqual(position);
        expect(() => positionFromString('nope')).toThrow(
          expect.objectContaining({ code: 'INVALID_POSITION' }),
        );
      });
    });

    describe('set-based reads', () => {
      // Appends events to two streams of a fresh prefix and one elsewhere; returns the range
      // (before, head] that holds them, once readers can see all of it.
      async function appendedRange(prefix: string): Promise<{ after: Position; upTo: Position }> {
        const after = await store.headPosition();
        await store.appendToStream(`${prefix}-a`, [
          event('Debited', { amountMicro: '5', split: { allocationMicro: '5' } }),
          event('Opened', { allocationMicro: '100' }),
          event('Debited', {
            amountMicro: '7',
            split: {},
            grants: [{ reference: 'g', amountMicro: '7' }],
          }),
        ]);
        await store.appendToStream(`${prefix}-b`, [
          event('Debited', { amountMicro: '1', split: { rolloverMicro: '1' }, model: 'm' }),
        ]);
        await store.appendToStream(stream('elsewhere'), [event('Debited', { amountMicro: '9' })]);
        await untilEverythingVisible(store);
        return { after, upTo: await store.headPosition() };
      }

      it('cuts the global order into consecutive ranges of at most eventsMax events, counting the matching ones', async () => {
        const prefix = `ranges-${randomUUID()}`;
        const { after, upTo } = await appendedRange(prefix);
        const all = await store.readAll({ fromPosition: after });
        const cut: { after: Position; upTo: Position; matching: number }[] = [];
        let from = after;
        for (
          let found = await store.nextRange(from, {
            upTo,
            eventsMax: 2,
            filter: { streamPrefixes: [prefix] },
          });
          found;
        ) {
          cut.push({ ...found.range, matching: found.matching });
          from = found.range.upTo;
          found = await store.nextRange(from, {
            upTo,
            eventsMax: 2,
            filter: { streamPrefixes: [prefix] },
          });
        }
        expect(cut.length).toBe(Math.ceil(all.length / 2));
        expect(cut.map((range) => range.upTo)).toEqual(
          all
            .filter((_, index) => index % 2 === 1 || index === all.length - 1)
            .map((recorded) => recorded.position),
        );
        expect(cut.slice(1).map((range) => range.after)).toEqual(
          cut.slice(0, -1).map((range) => range.upTo),
        );
        expect(cut.reduce((total, range) => total + range.matching, 0)).toBe(4);
        expect(await store.nextRange(upTo, { upTo, eventsMax: 2 })).toBeNull();
        await expect(store.nextRange(after, { upTo, eventsMax: 0 })).rejects.toMatchObject({
          code: 'INVALID_READ',
        });
      });

      it("runs a statement over a range's matching events in the database, in the global order", async () => {
        const prefix = `query-${randomUUID()}`;
        const range = await appendedRange(prefix);
        const rows = await store.queryRange<{
          stream_name: string;
          stream_revision: string;
          event_type: string;
          amount: string;
        }>({
          range,
          filter: { eventTypes: ['Debited'], streamPrefixes: [`${prefix}-a`, `${prefix}-b`] },
          params: ['-'],
          statement: (events) => `
            SELECT $1::text || e.stream_name AS stream_name, e.stream_revision::text AS stream_revision, e.event_type, e.data ->> 'amountMicro' AS amount
              FROM ${events} e ORDER BY e.commit_position, e.prepare_position`,
        });
        expect(rows).toEqual([
          { stream_name: `-${prefix}-a`, stream_revision: '0', event_type: 'Debited', amount: '5' },
          { stream_name: `-${prefix}-a`, stream_revision: '2', event_type: 'Debited', amount: '7' },
          { stream_name: `-${prefix}-b`, stream_revision: '0', event_type: 'Debited', amount: '1' },
        ]);
        const pastHead = {
          after: range.upTo,
          upTo: { commit: range.upTo.commit + 1_000_000n, prepare: range.upTo.prepare },
        };
        await expect(
          store.queryRange({ range: pastHead, statement: (events) => `SELECT 1 FROM ${events} e` }),
        ).rejects.toMatchObject({
          code: 'INVALID_READ',
        });
      });

      it('adds stored fields as columns, reading a field the stored form left out as its type default', async () => {
        const prefix = `fields-${randomUUID()}`;
        const range = await appendedRange(prefix);
        const rows = await store.queryRange<Record<string, string | null>>({
          range,
          filter: { streamPrefixes: [prefix] },
          fields: {
            allocation: ['split', 'allocationMicro'],
            rollover: ['split', 'rolloverMicro'],
            grants: ['grants'],
            model: ['model'],
          },
          storedDefaults: {
            Debited: {
              split: { allocationMicro: '0', rolloverMicro: '0' },
              grants: [],
              model: null,
            },
          },
          statement: (events) =>
            `SELECT e.event_type, e.allocation, e.rollover, e.grants, e.model FROM ${events} e ORDER BY e.commit_position, e.prepare_position`,
        });
        expect(rows).toEqual([
          { event_type: 'Debited', allocation: '5', rollover: '0', grants: '[]', model: null },
          { event_type: 'Opened', allocation: null, rollover: null, grants: null, model: null },
          {
            event_type: 'Debited',
            allocation: '0',
            rollover: '0',
            grants: '[{"reference": "g", "amountMicro": "7"}]',
            model: null,
          },
          { event_type: 'Debited', allocation: '0', rollover: '1', grants: '[]', model: 'm' },
        ]);
        await expect(
          store.queryRange({
            range,
            fields: { data: ['x'] },
            statement: (events) => `SELECT 1 FROM ${events} e`,
          }),
        ).rejects.toMatchObject({ code: 'INVALID_READ' });
      });

      it('reads the events of a stream at given revisions, in revision order', async () => {
        const name = stream('at');
        await store.appendToStream(name, events(5));
        const read = await store.readStreamAt(name, [3n, 0n, 9n]);
        expect(read.map((recorded) => [recorded.streamName, recorded.revision])).toEqual([
          [name, 0n],
          [name, 3n],
        ]);
        expect(await store.readStreamAt(name, [])).toEqual([]);
      });

      it("reads and appends inside a caller's transaction, which its rollback undoes", async () => {
        const name = stream('in-transaction');
        await store.appendToStream(name, [event()]);
        const rolledBack = new Error('rolled back on purpose');
        await expect(
          store.sql.transaction(async (transaction) => {
            const inside = store.inTransaction(transaction);
            await inside.appendToStream(name, [event()], { expectedRevision: 0n });
            expect((await inside.readStream(name)).map((recorded) => recorded.revision)).toEqual([
              0n,
              1n,
            ]);
            await inside.close();
            throw rolledBack;
          }),
        ).rejects.toBe(rolledBack);
        expect((await store.readStream(name)).map((recorded) => recorded.revision)).toEqual([0n]);
      });
    });

    describe('transaction', () => {
      it('commits what the work appended, and rolls it back when the work throws', async () => {
        const name = stream('transaction');
        await store.transaction(async (inside) => {
          expect(await inside.lockStreams([name], 'exclusive')).toEqual(new Map());
          await inside.appendToStream(name, [event()], { expectedRevision: 'no_stream' });
        });
        const failed = new Error('rolled back on purpose');
        await expect(
          store.transaction(async (inside) => {
            expect(await inside.lockStreams([name, stream('other')], 'shared')).toEqual(
              new Map([[name, 0n]]),
            );
            await inside.appendToStream(name, [event()], { expectedRevision: 0n });
            throw failed;
          }),
        ).rejects.toBe(failed);
        expect((await store.streamRevisions([name])).get(name)).toBe(0n);
      });
    });

    describe('appendMany holding a stream', () => {
      it('appends when the held stream is at the given revision, and nothing when not', async () => {
        const held = stream('held');
        const [target, other] = [stream('target'), stream('other')];
        await store.appendToStream(held, [event()]);
        await store.appendMany(
          [{ streamName: target, events: [event()], expectedRevision: 'any' }],
          {
            holding: { streamName: held, revision: 0n },
          },
        );
        expect(await store.readStream(target)).toHaveLength(1);
        for (const holding of [
          { streamName: held, revision: 1n },
          { streamName: stream('never-written'), revision: 0n },
        ]) {
          await expect(
            store.appendMany([{ streamName: other, events: [event()], expectedRevision: 'any' }], {
              holding,
            }),
          ).rejects.toEqual(expect.any(HeldStreamMovedError));
        }
        expect(await store.readStream(other)).toEqual([]);
      });

      it(
        'waits for an exclusive holder of that stream and sees what it appended',
        async () => {
          const held = stream('held');
          const target = stream('target');
          await store.appendToStream(held, [event()]);
          let waiting!: Promise<unknown>;
          await store.transaction(async (inside) => {
            await inside.lockStreams([held], 'exclusive');
            await inside.appendToStream(held, [event()], { expectedRevision: 0n });
            // Decided against revision 0, sent while the holder still has the lock.
            waiting = store
              .appendMany([{ streamName: target, events: [event()], expectedRevision: 'any' }], {
                holding: { streamName: held, revision: 0n },
              })
              .catch((error: unknown) => error);
            if (name === 'PostgreSQL') await untilHoldingAppendWaits(store.sql);
          });
          // A check read with the statement's own snapshot (taken before the wait) would pass.
          expect(await waiting).toEqual(expect.any(HeldStreamMovedError));
          expect(await store.readStream(target)).toEqual([]);
        },
        TEST_TIMEOUT_MS,
      );
    });

    describe('subscribeToAll', () => {
      it(
        'resumed from a checkpoint delivers exactly the later events, catching up then live',
        async () => {
          const prefix = `sub-${randomUUID()}`;
          await store.appendToStream(`${prefix}-a`, events(3));
          const checkpoint = await store.headPosition();
          const caughtUpEvents = events(4);
          await store.appendToStream(`${prefix}-a`, caughtUpEvents.slice(0, 2));
          await store.appendToStream(`${prefix}-b`, caughtUpEvents.slice(2));
          const received: RecordedEvent[] = [];
          const subscription = store.subscribeToAll({
            fromPosition: checkpoint,
            filter: { streamPrefixes: [prefix] },
            batchSizeMax: 3,
            onEvents: async (batch) => {
              expect(batch.length).toBeLessThanOrEqual(3);
              received.push(...batch);
            },
          });
          try {
            await eventually(() => subscription.caughtUp && received.length === 4);
            const live = events(2);
            await store.appendToStream(`${prefix}-b`, live);
            await eventually(() => received.length === 6);
            expect(received.map((recorded) => recorded.id)).toEqual(
              [...caughtUpEvents, ...live].map((written) => written.id),
            );
            for (let index = 1; index < received.length; index += 1) {
              expect(
                comparePositions(received[index - 1]!.position, received[index]!.position),
              ).toBe(-1);
            }
          } finally {
            await subscription.stop();
          }
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'hands the same batch again when onEvents fails, so nothing is lost',
        async () => {
          const prefix = `redeliver-${randomUUID()}`;
          const from = await store.headPosition();
          await store.appendToStream(`${prefix}-a`, events(2));
          const deliveries: string[][] = [];
          const errors: Error[] = [];
          const subscription = store.subscribeToAll({
            fromPosition: from,
            filter: { streamPrefixes: [prefix] },
            onError: (error) => errors.push(error),
            onEvents: async (batch) => {
              deliveries.push(batch.map((recorded) => recorded.id));
              if (deliveries.length === 1) throw new Error('projection failed once');
            },
          });
          try {
            await eventually(() => deliveries.length === 2);
            expect(deliveries[1]).toEqual(deliveries[0]);
            expect(errors.map((error) => error.message)).toEqual(['projection failed once']);
          } finally {
            await subscription.stop();
          }
        },
        TEST_TIMEOUT_MS,
      );
    });
  });
}
