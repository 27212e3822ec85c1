import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import {
  applyMigrations,
  createPgliteSqlClient,
  createPgSqlClient,
  createPostgresEventStore,
  EVENT_STORE_MIGRATIONS,
  loadPglite,
  migrateEventStore,
  MigrationErrorCode,
  MigrationSet,
  SqlClient,
} from '@tally/event-store';
import { LEDGER_MIGRATIONS, migrateLedger } from '@tally/ledger';
import { LIVE_SCHEMA, migrateProjections, projectionMigrationSet } from '@tally/projections';
import {
  EARLIER_RELEASE_STORE_VERSION,
  migrateAsEarlierRelease,
  migrateAsPreviousRelease,
  PREVIOUS_RELEASE_STORE_VERSION,
} from '../support/previous-release-schema';
import { dumpSchema } from '../support/schema-dump';
import { createTestDatabase, TestDatabase } from '../../tools/support/test-database';

jest.setTimeout(120_000);

const RUNNERS_AT_ONCE = 4;
const versionsIn = (set: MigrationSet): number[] =>
  set.migrations.map((migration) => migration.version);
const ALL_VERSIONS = {
  eventStore: versionsIn(EVENT_STORE_MIGRATIONS),
  projections: versionsIn(projectionMigrationSet(LIVE_SCHEMA)),
  ledger: versionsIn(LEDGER_MIGRATIONS),
};

/** What every process migrates at start: the event store, the projections, the ledger. */
async function migrateAll(sql: SqlClient): Promise<Record<keyof typeof ALL_VERSIONS, number[]>> {
  const eventStore = await migrateEventStore(sql);
  await migrateProjections(sql);
  const ledger = await migrateLedger(sql);
  return { eventStore, projections: await versionsOf(sql, 'projections.schema_versions'), ledger };
}

async function versionsOf(sql: SqlClient, table: string): Promise<number[]> {
  const rows = await sql.query<{ version: number }>(
    `SELECT version FROM ${table} ORDER BY version`,
  );
  return rows.map((row) => Number(row.version));
}

async function checksumsOf(sql: SqlClient, table: string): Promise<(string | null)[]> {
  const rows = await sql.query<{ checksum: string | null }>(
    `SELECT checksum FROM ${table} ORDER BY version`,
  );
  return rows.map((row) => row.checksum);
}

// A little of everything the earlier code stored, to find unchanged after migrating forward.
async function seed(sql: SqlClient, options: { statementCopies: boolean }): Promise<void> {
  const workspaceId = randomUUID();
  // Straight into the tables every release has had: this code's append may read more of the
  // append function than an earlier release's returns.
  await sql.query('INSERT INTO event_store_streams (stream_name, revision) VALUES ($1, 0)', [
    `credits-${workspaceId}`,
  ]);
  await sql.query(
    `INSERT INTO event_store_events (event_id, stream_name, stream_revision, event_type, data)
     VALUES ($1, $2, 0, 'Seeded', '{"amountMicro": "5"}')`,
    [randomUUID(), `credits-${workspaceId}`],
  );
  await sql.query(
    `INSERT INTO projections.checkpoints (projection, position) VALUES ('balance', '900/12')`,
  );
  await sql.query(
    `INSERT INTO projections.usage_daily VALUES ($1, '2026-11-25', 'http.request', 7, 1)`,
    [workspaceId],
  );
  await sql.query(
    options.statementCopies
      ? `INSERT INTO projections.statement_entries VALUES (gen_random_uuid(), $1, 0, 1, 'CreditDebited', 'debit', 7, '2026-11-25T10:00:00.000Z', now(), '{}')`
      : `INSERT INTO projections.statement_entries VALUES ($1, 0, 'debit', 7, '2026-11-25T10:00:00.000Z')`,
    [workspaceId],
  );
  await sql.query(
    `INSERT INTO tally_workspace_snapshots VALUES ($1, 0, '{"workspaceId": "x"}', now())`,
    [workspaceId],
  );
}

const DATA = `
SELECT json_build_object(
  'events', (SELECT json_agg(json_build_array(event_id, stream_name, stream_revision, event_type, data)) FROM event_store_events),
  'streams', (SELECT json_agg(json_build_array(stream_name, revision)) FROM event_store_streams),
  'checkpoints', (SELECT json_agg(json_build_array(projection, position)) FROM projections.checkpoints WHERE position IS NOT NULL),
  'usage', (SELECT json_agg(u) FROM projections.usage_daily u),
  'statement', (SELECT json_agg(json_build_array(workspace_id, revision, direction, amount_micro, occurred_at)) FROM projections.statement_entries),
  'snapshots', (SELECT json_agg(json_build_array(workspace_id, revision, state)) FROM tally_workspace_snapshots)
)::text AS data`;

async function dataOf(sql: SqlClient): Promise<unknown> {
  const [row] = await sql.query<{ data: string }>(DATA);
  return JSON.parse(row?.data ?? 'null');
}

describe('schema migrations on PostgreSQL', () => {
  const databases: TestDatabase[] = [];
  const pools: Pool[] = [];
  let freshSchema: string[];

  async function newDatabase(): Promise<SqlClient> {
    const database = await createTestDatabase('tally_migrations');
    databases.push(database);
    const pool = new Pool({ connectionString: database.connectionString, max: 3 });
    pool.on('error', () => undefined); // the database's drop ends idle connections
    pools.push(pool);
    return createPgSqlClient(pool);
  }

  beforeAll(async () => {
    const fresh = await newDatabase();
    expect(await migrateAll(fresh)).toEqual(ALL_VERSIONS);
    freshSchema = await dumpSchema(fresh);
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await Promise.all(databases.map((database) => database.drop()));
  });

  it('brings a database the previous release migrated to the schema of a fresh one, with its data', async () => {
    const sql = await newDatabase();
    await migrateAsPreviousRelease(sql);
    await seed(sql, { statementCopies: false });
    const before = await dataOf(sql);

    expect(await migrateAll(sql)).toEqual({
      ...ALL_VERSIONS,
      eventStore: ALL_VERSIONS.eventStore.slice(PREVIOUS_RELEASE_STORE_VERSION),
    });
    expect(await dumpSchema(sql)).toEqual(freshSchema);
    expect(await dataOf(sql)).toEqual(before);
    const fresh = await newDatabase();
    await migrateAll(fresh);
    expect(await checksumsOf(sql, 'event_store_schema_versions')).toEqual(
      await checksumsOf(fresh, 'event_store_schema_versions'),
    );
  });

  it('brings a database an earlier release migrated (store at version 3, old table shapes) to the same schema, with its data', async () => {
    const sql = await newDatabase();
    await migrateAsEarlierRelease(sql);
    await seed(sql, { statementCopies: true });
    const before = await dataOf(sql);

    expect(await migrateAll(sql)).toEqual({
      ...ALL_VERSIONS,
      eventStore: ALL_VERSIONS.eventStore.slice(EARLIER_RELEASE_STORE_VERSION),
    });
    expect(await dumpSchema(sql)).toEqual(freshSchema);
    expect(await dataOf(sql)).toEqual(before);
  });

  it('applies each version once when several processes start together on an empty database', async () => {
    const database = await createTestDatabase('tally_migrations');
    databases.push(database);
    const stores = await Promise.all(
      Array.from({ length: RUNNERS_AT_ONCE }, async () => {
        const store = await createPostgresEventStore({
          connectionString: database.connectionString,
          poolSizeMax: 2,
        });
        await Promise.all([migrateProjections(store.sql), migrateLedger(store.sql)]);
        return store;
      }),
    );
    const sql = (stores[0] as (typeof stores)[number]).sql;
    expect(await versionsOf(sql, 'event_store_schema_versions')).toEqual(ALL_VERSIONS.eventStore);
    expect(await versionsOf(sql, 'projections.schema_versions')).toEqual(ALL_VERSIONS.projections);
    expect(await versionsOf(sql, 'tally_ledger_schema_versions')).toEqual(ALL_VERSIONS.ledger);
    expect(await dumpSchema(sql)).toEqual(freshSchema);
    await Promise.all(stores.map((store) => store.close()));
  });

  it('refuses to start when a released migration of the store or the ledger changed', async () => {
    const sql = await newDatabase();
    await migrateAll(sql);
    const edited = EVENT_STORE_MIGRATIONS.migrations.map((migration) =>
      migration.version === 2
        ? { ...migration, statements: [...migration.statements, 'SELECT 1'] }
        : migration,
    );
    await expect(
      applyMigrations(sql, { ...EVENT_STORE_MIGRATIONS, migrations: edited }),
    ).rejects.toMatchObject({
      code: MigrationErrorCode.ReleasedMigrationChanged,
      message: expect.stringMatching(
        /event store migration 2 \("create event_store_append"\) was changed/,
      ),
    });
    await sql.query(
      `UPDATE tally_ledger_schema_versions SET checksum = 'edited' WHERE version = 4`,
    );
    await expect(migrateLedger(sql)).rejects.toMatchObject({
      code: MigrationErrorCode.ReleasedMigrationChanged,
    });
    expect(LEDGER_MIGRATIONS.migrations).toHaveLength(ALL_VERSIONS.ledger.length);
  });
});

describe('schema migrations on PGlite', () => {
  const instances: SqlClient[] = [];

  async function newDatabase(): Promise<SqlClient> {
    const { PGlite } = loadPglite();
    const sql = createPgliteSqlClient(await PGlite.create(), { ownsInstance: true });
    instances.push(sql);
    return sql;
  }

  afterAll(async () => {
    await Promise.all(instances.map((sql) => sql.close()));
  });

  it('brings embedded databases the previous and an earlier release migrated to the schema of a fresh one, with their data', async () => {
    const fresh = await newDatabase();
    expect(await migrateAll(fresh)).toEqual(ALL_VERSIONS);
    const freshSchema = await dumpSchema(fresh);

    const previous = await newDatabase();
    await migrateAsPreviousRelease(previous);
    await seed(previous, { statementCopies: false });
    const previousData = await dataOf(previous);
    expect(await migrateAll(previous)).toEqual({
      ...ALL_VERSIONS,
      eventStore: ALL_VERSIONS.eventStore.slice(PREVIOUS_RELEASE_STORE_VERSION),
    });
    expect(await dumpSchema(previous)).toEqual(freshSchema);
    expect(await dataOf(previous)).toEqual(previousData);

    const earlier = await newDatabase();
    await migrateAsEarlierRelease(earlier);
    await seed(earlier, { statementCopies: true });
    const earlierData = await dataOf(earlier);
    expect(await migrateAll(earlier)).toEqual({
      ...ALL_VERSIONS,
      eventStore: ALL_VERSIONS.eventStore.slice(EARLIER_RELEASE_STORE_VERSION),
    });
    expect(await dumpSchema(earlier)).toEqual(freshSchema);
    expect(await dataOf(earlier)).toEqual(earlierData);
  });
});
