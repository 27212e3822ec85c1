import type { SqlClient } from '@tally/event-store';

// Test support: what no code path may do — change an event after it was stored — so that a test
// can stand for the fix of the code that reads it (a held-back workspace released once its
// event applies: docs/projections.md). Outside libs/event-store, only test support names the
// store's tables.

/** Sets one field of a stored event's data (`path` into the JSON, `value` as JSON). */
export async function overwriteStoredField(
  sql: SqlClient,
  eventId: string,
  path: readonly string[],
  value: unknown,
): Promise<void> {
  await sql.query(
    `UPDATE event_store_events SET data = jsonb_set(data, $2::text[], $3::jsonb) WHERE event_id = $1::uuid`,
    [eventId, path, JSON.stringify(value)],
  );
}

const LABEL = /^[a-z0-9_]{1,40}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Makes the store refuse, from now on, an event whose data carries this `sourceEventId`: a CHECK
 * constraint (`refuse_<label>`, not validated against the stored rows), so the append fails
 * with SQLSTATE 23514 as when PostgreSQL refuses data it cannot store.
 */
export async function refuseSourceEventId(
  sql: SqlClient,
  label: string,
  sourceEventId: string,
): Promise<void> {
  if (!LABEL.test(label) || !UUID.test(sourceEventId)) {
    throw new Error(`assertion failed: refuseSourceEventId(${label}, ${sourceEventId})`);
  }
  // DDL takes no parameters: both values are checked above.
  await sql.query(
    `ALTER TABLE event_store_events ADD CONSTRAINT refuse_${label}
       CHECK (data->>'sourceEventId' IS DISTINCT FROM '${sourceEventId}') NOT VALID`,
  );
}
