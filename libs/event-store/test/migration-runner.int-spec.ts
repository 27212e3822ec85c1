import { Pool } from 'pg';
import {
  applyMigrations,
  createPgliteSqlClient,
  createPgSqlClient,
  Migration,
  MigrationError,
  MigrationErrorCode,
  MigrationSet,
  SqlClient,
} from '../src';
import { loadPglite } from '../src/pglite-loader';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';

jest.setTimeout(60_000);

const RUNNERS_AT_ONCE = 6;

// Every version after the first inserts a row: a version applied twice would leave two rows.
function countingSet(versions: number, overrides: Partial<MigrationSet> = {}): MigrationSet {
  const migrations: Migration[] = [
    {
      version: 1,
      name: 'create runs',
      statements: ['CREATE TABLE runs (version integer NOT NULL)'],
    },
  ];
  for (let version = 2; version <= versions; version += 1) {
    migrations.push({
      version,
      name: `count ${version}`,
      statements: [`INSERT INTO runs VALUES (${version})`, 'SELECT pg_sleep(0.01)'],
    });
  }
  return {
    owner: 'counting',
    migrations,
    versionsTable: 'counting_schema_versions',
    advisoryLockKey: 7_401_604_901,
    ...overrides,
  };
}

function changed(set: MigrationSet, version: number): MigrationSet {
  return {
    ...set,
    migrations: set.migrations.map((migration) =>
      migration.version === version
        ? { ...migration, statements: [...migration.statements, 'SELECT 1'] }
        : migration,
    ),
  };
}

async function runVersions(sql: SqlClient): Promise<number[]> {
  const rows = await sql.query<{ version: number }>('SELECT version FROM runs ORDER BY version');
  return rows.map((row) => Number(row.version));
}

async function recordedVersions(
  sql: SqlClient,
  table = 'counting_schema_versions',
): Promise<number[]> {
  const rows = await sql.query<{ version: number }>(
    `SELECT version FROM ${table} ORDER BY version`,
  );
  return rows.map((row) => Number(row.version));
}

function refusal(code: MigrationErrorCode): Partial<MigrationError> {
  return expect.objectContaining({ name: 'MigrationError', code });
}

describe('the migration runner on PostgreSQL', () => {
  let database: TestDatabase;
  const pools: Pool[] = [];
  const client = (): SqlClient => {
    const pool = new Pool({ connectionString: database.connectionString, max: 2 });
    // Dropping the database ends any connection still open to it (test-database.ts); an idle
    // client then emits 'error', which unheard would fail whichever test is running.
    pool.on('error', () => undefined);
    pools.push(pool);
    return createPgSqlClient(pool);
  };

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.end()));
    await database.drop();
  });

  it('applies each version exactly once when several clients run it at once', async () => {
    const set = countingSet(8);
    const applied = await Promise.all(
      Array.from({ length: RUNNERS_AT_ONCE }, () => applyMigrations(client(), set)),
    );
    expect(applied.flat().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(applied.filter((versions) => versions.length > 0)).toHaveLength(1);
    const sql = client();
    expect(await runVersions(sql)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(await recordedVersions(sql)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('applies only the versions added since, once, when clients run a longer set at once', async () => {
    await applyMigrations(client(), countingSet(3));
    const applied = await Promise.all(
      Array.from({ length: RUNNERS_AT_ONCE }, () => applyMigrations(client(), countingSet(6))),
    );
    expect(applied.flat().sort((a, b) => a - b)).toEqual([4, 5, 6]);
    expect(await runVersions(client())).toEqual([2, 3, 4, 5, 6]);
  });

  it('refuses to start when a released migration changed, and applies nothing', async () => {
    await applyMigrations(client(), countingSet(3));
    const edited = changed(countingSet(5), 2);
    await expect(applyMigrations(client(), edited)).rejects.toEqual(
      refusal(MigrationErrorCode.ReleasedMigrationChanged),
    );
    await expect(applyMigrations(client(), edited)).rejects.toThrow(
      /counting migration 2 \("count 2"\) was changed after it was applied/,
    );
    expect(await recordedVersions(client())).toEqual([1, 2, 3]);
    expect(await runVersions(client())).toEqual([2, 3]);
  });

  it('adopts versions recorded before checksums, then holds them to their files', async () => {
    const sql = client();
    await sql.query(`CREATE TABLE counting_schema_versions (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    await sql.query('CREATE TABLE runs (version integer NOT NULL)');
    await sql.query(
      `INSERT INTO counting_schema_versions (version, name) VALUES (1, 'create runs')`,
    );

    expect(await applyMigrations(sql, countingSet(3))).toEqual([2, 3]);
    const [adopted] = await sql.query<{ checksum: string | null }>(
      'SELECT checksum FROM counting_schema_versions WHERE version = 1',
    );
    expect(adopted?.checksum).toMatch(/^[0-9a-f]{64}$/);
    await expect(applyMigrations(sql, changed(countingSet(3), 1))).rejects.toEqual(
      refusal(MigrationErrorCode.ReleasedMigrationChanged),
    );
  });

  it('refuses a version missing below one already applied', async () => {
    const sql = client();
    await applyMigrations(sql, countingSet(4));
    await sql.query('DELETE FROM counting_schema_versions WHERE version = 2');
    await expect(applyMigrations(sql, countingSet(4))).rejects.toEqual(
      refusal(MigrationErrorCode.VersionMissingBelowApplied),
    );
  });

  it('starts on a database that newer code migrated further (a rolling deploy)', async () => {
    const sql = client();
    await applyMigrations(sql, countingSet(5));
    expect(await applyMigrations(sql, countingSet(3))).toEqual([]);
  });

  it('refuses a set that is not versions 1..n in order', async () => {
    const set = countingSet(3);
    const gap = { ...set, migrations: [set.migrations[0]!, set.migrations[2]!] };
    await expect(applyMigrations(client(), gap)).rejects.toEqual(
      refusal(MigrationErrorCode.InvalidMigrationSet),
    );
  });

  it("migrates a named schema and leaves the caller's search_path as it was", async () => {
    const sql = client();
    const inSchema = countingSet(3, { schema: 'counting' });
    await sql.transaction(async (transaction) => {
      await applyMigrations(transaction, inSchema);
      const [setting] = await transaction.query<{ search_path: string }>(
        `SELECT current_setting('search_path') AS search_path`,
      );
      expect(setting?.search_path).toBe('"$user", public');
    });
    expect(await sql.query('SELECT version FROM counting.runs')).toHaveLength(2);
    expect(await recordedVersions(sql, 'counting.counting_schema_versions')).toEqual([1, 2, 3]);
    expect(await sql.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public'`)).toEqual([]);
  });
});

describe('the migration runner on PGlite', () => {
  let sql: SqlClient;

  beforeEach(async () => {
    const { PGlite } = loadPglite();
    sql = createPgliteSqlClient(await PGlite.create(), { ownsInstance: true });
  });
  afterEach(async () => {
    await sql.close();
  });

  it('applies a set once and refuses it when a released migration changed', async () => {
    expect(await applyMigrations(sql, countingSet(4, { schema: 'counting' }))).toEqual([
      1, 2, 3, 4,
    ]);
    expect(await applyMigrations(sql, countingSet(4, { schema: 'counting' }))).toEqual([]);
    await expect(
      applyMigrations(sql, changed(countingSet(4, { schema: 'counting' }), 3)),
    ).rejects.toEqual(refusal(MigrationErrorCode.ReleasedMigrationChanged));
    expect(await sql.query('SELECT version FROM counting.runs')).toHaveLength(3);
  });
});
