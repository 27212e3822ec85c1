import { EVENT_STORE_MIGRATIONS, Migration, SqlClient } from '@tally/event-store';
import { LEDGER_MIGRATIONS } from '@tally/ledger';
import { LIVE_SCHEMA, projectionMigrationSet } from '@tally/projections';

// What the code before the versioned runner left in a database, to migrate forward in tests.
// Where it ran the same DDL as a frozen migration (the tables: checked byte for byte when the
// migrations were frozen) the frozen statements are run here; what differed is written out.

/** The store's last version the previous release recorded, and an earlier release's. */
export const PREVIOUS_RELEASE_STORE_VERSION = 5;
export const EARLIER_RELEASE_STORE_VERSION = 3;

const eventStore = EVENT_STORE_MIGRATIONS.migrations;
const projections = projectionMigrationSet(LIVE_SCHEMA).migrations;
const ledger = LEDGER_MIGRATIONS.migrations;
const statementsOf = (migration: Migration | undefined): readonly string[] =>
  migration?.statements ?? [];

/** The append function as it is now: the previous code's versions 2, 3 and 5 all ran it. */
const appendFunctionNow = statementsOf(eventStore[4]);
const dropOldAppendFunctions = statementsOf(eventStore[2]).slice(0, 2);

// The previous runner's table: no checksum column.
const PREVIOUS_VERSIONS_TABLE = `
CREATE TABLE IF NOT EXISTS event_store_schema_versions (
  version    integer     PRIMARY KEY,
  name       text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

async function runAll(sql: SqlClient, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await sql.query(statement);
}

async function recordPreviousVersions(sql: SqlClient, upTo: number): Promise<void> {
  await sql.query(PREVIOUS_VERSIONS_TABLE);
  for (const migration of eventStore.slice(0, upTo)) {
    await sql.query('INSERT INTO event_store_schema_versions (version, name) VALUES ($1, $2)', [
      migration.version,
      migration.name,
    ]);
  }
}

async function inProjectionsSchema(sql: SqlClient, statements: readonly string[]): Promise<void> {
  await sql.transaction(async (transaction) => {
    await transaction.query(`CREATE SCHEMA IF NOT EXISTS ${LIVE_SCHEMA}`);
    await transaction.query(`SET LOCAL search_path TO ${LIVE_SCHEMA}`);
    await runAll(transaction, statements);
  });
}

/**
 * The release just before the runner: event store versions 1–5 recorded without checksums (2, 3
 * and 5 having run the one current CREATE_APPEND_FUNCTION), the projections' and the ledger's
 * tables as they are now, made by idempotent DDL, no version recorded for either.
 */
export async function migrateAsPreviousRelease(sql: SqlClient): Promise<void> {
  await sql.transaction(async (transaction) => {
    await runAll(transaction, statementsOf(eventStore[0]));
    await runAll(transaction, appendFunctionNow);
    await runAll(transaction, [...dropOldAppendFunctions, ...appendFunctionNow]);
    await runAll(transaction, statementsOf(eventStore[3]));
    await runAll(transaction, appendFunctionNow);
    await recordPreviousVersions(transaction, PREVIOUS_RELEASE_STORE_VERSION);
  });
  await inProjectionsSchema(sql, projections.slice(0, 6).flatMap(statementsOf));
  await runAll(sql, ledger.slice(0, 3).flatMap(statementsOf));
}

// Shapes of an earlier release that later code changed in place.
const CHECKPOINTS_BEFORE_HELD_WORKSPACES = `
CREATE TABLE checkpoints (
  projection text PRIMARY KEY,
  position   text,
  updated_at timestamptz NOT NULL DEFAULT now()
)`;
const STATEMENT_ENTRIES_WITH_EVENT_COPIES = `
CREATE TABLE statement_entries (
  event_id     uuid   NOT NULL,
  workspace_id text   NOT NULL,
  revision     bigint NOT NULL,
  position     bigint NOT NULL,
  event_type   text   NOT NULL,
  direction    text   NOT NULL,
  amount_micro bigint NOT NULL,
  occurred_at  text   NOT NULL,
  recorded_at  timestamptz NOT NULL,
  data         jsonb  NOT NULL,
  CONSTRAINT statement_entries_pkey PRIMARY KEY (workspace_id, revision)
)`;

/**
 * An earlier release: the event store at version 3 (as its versions were then), projections
 * tables before held-back workspaces and with the statement's copied event columns, and only
 * the snapshots table of the ledger's.
 */
export async function migrateAsEarlierRelease(sql: SqlClient): Promise<void> {
  await sql.transaction(async (transaction) => {
    await runAll(
      transaction,
      eventStore.slice(0, EARLIER_RELEASE_STORE_VERSION).flatMap(statementsOf),
    );
    await recordPreviousVersions(transaction, EARLIER_RELEASE_STORE_VERSION);
  });
  await inProjectionsSchema(sql, [
    CHECKPOINTS_BEFORE_HELD_WORKSPACES,
    ...projections.slice(1, 5).flatMap(statementsOf),
    STATEMENT_ENTRIES_WITH_EVENT_COPIES,
  ]);
  await runAll(sql, statementsOf(ledger[0]));
}
