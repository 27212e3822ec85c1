import {
  comparePositions,
  EventStore,
  Position,
  RecordedEvent,
  SqlClient,
  START,
} from '@tally/event-store';
import { lockCheckpoint, writeCheckpoint } from '../checkpoints/checkpoints.sql';
import { releaseHolds } from '../held/held-workspaces.sql';
import type { Projection, ProjectionTarget } from '../projection';
import { applyProjectionBatch, decodeBatch } from '../projection-batch';
import { CREDIT_STREAMS } from '../credit-streams';
import { createProjectionSchema, migrateProjections } from '../projections.migrations';
import {
  LIVE_SCHEMA,
  REBUILD_PAGE_SIZE,
  REBUILD_RANGE_EVENTS_MAX,
  REBUILD_SCHEMA,
  REBUILD_WORK_MEM,
} from '../projections.limits';

export interface RebuildProgress {
  events: number;
  eventsPerSecond: number;
  /** Share of the global order read so far (by sequence number), 0..1. */
  fraction: number;
  etaSeconds: number | null;
}

export interface RebuildOptions {
  /** Events per page of the catch-up at the switch. */
  pageSize?: number;
  /** Events per range of the set-based pass (REBUILD_RANGE_EVENTS_MAX). */
  rangeEventsMax?: number;
  onProgress?: (progress: RebuildProgress) => void;
}

export interface RebuildResult {
  events: number;
  seconds: number;
}

const rebuildTarget: ProjectionTarget = { schema: REBUILD_SCHEMA, notify: false };

/**
 * Rebuilds projections from the first event into fresh tables in REBUILD_SCHEMA while the live
 * tables keep serving, then switches in one transaction: with the live checkpoints locked (the
 * projector waits), the fresh tables catch up to exactly the live position, replace the live
 * tables and take over the checkpoint. Readers see the old view or the new one, never half.
 *
 * The fresh tables are filled set-based in the database up to the head position taken at the
 * start (see BulkRebuilder), range by range in global order so progress can be reported; only
 * the catch-up at the switch goes through the batch path. The switch releases the rebuilt
 * projections' held-back workspaces.
 */
export async function rebuildProjections(
  store: EventStore,
  sql: SqlClient,
  projections: readonly Projection[],
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const started = performance.now();
  await migrateProjections(sql);
  await sql.query(`DROP SCHEMA IF EXISTS ${REBUILD_SCHEMA} CASCADE`);
  await createProjectionSchema(sql, REBUILD_SCHEMA, projections);
  const head = await store.headPosition();
  const rangeEventsMax = options.rangeEventsMax ?? REBUILD_RANGE_EVENTS_MAX;
  const rebuilders = projections.map((projection) => projection.bulkRebuilder(REBUILD_SCHEMA));
  await Promise.all(rebuilders.map((rebuilder) => rebuilder.prepare(sql, store, head)));
  let reached: Position | undefined;
  let events = 0;
  const nextRange = (after: Position) =>
    store.nextRange(after, { upTo: head, eventsMax: rangeEventsMax, filter: CREDIT_STREAMS });
  let next = nextRange(START);
  for (;;) {
    const found = await next;
    if (!found) break;
    // Find the next range while this one is applied.
    next = nextRange(found.range.upTo);
    await Promise.all(
      rebuilders.map((rebuilder) =>
        sql.transaction(async (transaction) => {
          await transaction.query(`SET LOCAL work_mem = '${REBUILD_WORK_MEM}'`);
          await transaction.query('SET LOCAL jit = off'); // compiling costs more than a range's statement gains
          await rebuilder.applyRange(transaction, store.inTransaction(transaction), found.range);
        }),
      ),
    );
    reached = found.range.upTo;
    events += found.matching;
    options.onProgress?.(progressOf(events, started, reached, head));
  }
  await Promise.all(rebuilders.map((rebuilder) => rebuilder.finish(sql)));
  if (reached !== undefined) {
    for (const projection of projections)
      await writeCheckpoint(sql, REBUILD_SCHEMA, projection.name, reached);
  }
  await switchToRebuilt(store, sql, projections, reached, options.pageSize ?? REBUILD_PAGE_SIZE);
  await sql.query(`DROP SCHEMA IF EXISTS ${REBUILD_SCHEMA} CASCADE`);
  return { events, seconds: (performance.now() - started) / 1_000 };
}

async function applyToAll(
  sql: SqlClient,
  projections: readonly Projection[],
  page: RecordedEvent[],
  limits: Map<string, Position | null> | null,
): Promise<void> {
  const decoded = decodeBatch(page);
  await Promise.all(
    projections.map((projection) => {
      const limit = limits?.get(projection.name);
      const events =
        limit === undefined
          ? decoded
          : decoded.filter(
              (projected) =>
                limit !== null && comparePositions(projected.recorded.position, limit) <= 0,
            );
      return applyProjectionBatch(sql, projection, rebuildTarget, events);
    }),
  );
}

async function switchToRebuilt(
  store: EventStore,
  sql: SqlClient,
  projections: readonly Projection[],
  from: Position | undefined,
  pageSize: number,
): Promise<void> {
  await sql.transaction(async (transaction) => {
    const live = new Map<string, Position | null>();
    for (const projection of projections)
      live.set(projection.name, await lockCheckpoint(transaction, LIVE_SCHEMA, projection.name));
    const target = [...live.values()].reduce<Position | null>(
      (highest, position) =>
        position !== null && (highest === null || comparePositions(position, highest) > 0)
          ? position
          : highest,
      null,
    );
    // Events the live projector applied after our last read: bring the fresh tables to exactly
    // there, read on the transaction's connection (the embedded database has only one).
    const events = store.inTransaction(transaction);
    let cursor = from;
    while (target !== null && (cursor === undefined || comparePositions(cursor, target) < 0)) {
      const page = await events.readAll({
        ...(cursor ? { fromPosition: cursor } : {}),
        maxCount: pageSize,
        filter: CREDIT_STREAMS,
      });
      const within = page.filter((event) => comparePositions(event.position, target) <= 0);
      const last = within[within.length - 1];
      if (!last) break;
      await applyToAll(transaction, projections, within, live);
      cursor = last.position;
    }
    for (const projection of projections) {
      const rebuilt = await lockCheckpoint(transaction, REBUILD_SCHEMA, projection.name);
      await projection.carryOver?.(transaction, LIVE_SCHEMA, REBUILD_SCHEMA);
      for (const table of projection.tables) {
        await transaction.query(`DROP TABLE IF EXISTS ${LIVE_SCHEMA}.${table}`);
        await transaction.query(`ALTER TABLE ${REBUILD_SCHEMA}.${table} SET SCHEMA ${LIVE_SCHEMA}`);
      }
      const livePosition = live.get(projection.name) ?? null;
      const position = higherOf(rebuilt, livePosition);
      if (position !== null)
        await writeCheckpoint(transaction, LIVE_SCHEMA, projection.name, position);
      // The fresh tables hold every event up to the checkpoint, those of held-back workspaces
      // too (a bad event would have failed the rebuild): nothing is held back any more.
      await releaseHolds(transaction, LIVE_SCHEMA, projection.name, null);
    }
  });
}

function higherOf(a: Position | null, b: Position | null): Position | null {
  if (a === null) return b;
  if (b === null) return a;
  return comparePositions(a, b) >= 0 ? a : b;
}

function progressOf(
  events: number,
  started: number,
  at: Position,
  head: Position,
): RebuildProgress {
  const seconds = (performance.now() - started) / 1_000;
  const eventsPerSecond = seconds > 0 ? events / seconds : 0;
  const fraction = head.prepare > 0n ? Math.min(1, Number(at.prepare) / Number(head.prepare)) : 1;
  const etaSeconds =
    fraction > 0 && fraction < 1 ? (seconds / fraction) * (1 - fraction) : fraction >= 1 ? 0 : null;
  return { events, eventsPerSecond, fraction, etaSeconds };
}
