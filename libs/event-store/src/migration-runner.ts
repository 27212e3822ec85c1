import { createHash } from 'node:crypto';
import type { SqlClient } from './sql-client.port';

/**
 * One released version of a schema. Frozen once released: its file is never edited, a change is
 * a new version. Statements run in order in the runner's transaction (one statement per string:
 * PGlite runs no multi-statement strings), so nothing that refuses a transaction block
 * (`CREATE INDEX CONCURRENTLY`, `VACUUM`).
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

/** The migrations of one schema owner and where their applied versions are recorded. */
export interface MigrationSet {
  /** Names the owner in errors ("event store", "projections", "ledger"). */
  readonly owner: string;
  /** Versions 1..n, in order, none missing. */
  readonly migrations: readonly Migration[];
  /** The table recording applied versions (created by the runner, in `schema` when given). */
  readonly versionsTable: string;
  /** Key of the transaction-scoped advisory lock that queues concurrent runners of this owner. */
  readonly advisoryLockKey: number;
  /**
   * The schema the migrations' unqualified names resolve to (created when missing, set as the
   * transaction's search_path while they run); absent: the connection's own search_path.
   */
  readonly schema?: string;
}

export enum MigrationErrorCode {
  /** A recorded version's SQL no longer matches its file: a released migration was edited. */
  ReleasedMigrationChanged = 'RELEASED_MIGRATION_CHANGED',
  /** A version the code has is missing below one the database recorded. */
  VersionMissingBelowApplied = 'VERSION_MISSING_BELOW_APPLIED',
  /** The set itself is not versions 1..n in order. */
  InvalidMigrationSet = 'INVALID_MIGRATION_SET',
}

export class MigrationError extends Error {
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** sha256 of a migration's statements: what the versions table records and later compares. */
export function migrationChecksum(migration: Migration): string {
  const hash = createHash('sha256');
  for (const statement of migration.statements) hash.update(statement).update('\0');
  return hash.digest('hex');
}

function assertValidSet(set: MigrationSet): void {
  const invalid = (why: string): MigrationError =>
    new MigrationError(
      MigrationErrorCode.InvalidMigrationSet,
      `The ${set.owner} migrations are invalid: ${why}.`,
    );
  for (const name of [set.versionsTable, ...(set.schema === undefined ? [] : [set.schema])]) {
    if (!IDENTIFIER.test(name)) throw invalid(`"${name}" is not a plain lower-case identifier`);
  }
  set.migrations.forEach((migration, index) => {
    if (migration.version !== index + 1)
      throw invalid(`version ${index + 1} is missing or out of order`);
    if (migration.statements.length === 0)
      throw invalid(`version ${migration.version} has no statement`);
  });
}

interface RecordedVersion {
  version: number;
  checksum: string | null;
}

// The table's columns in the order the first runner created them (checksum came later), so a
// table made then and one made now are the same.
const createVersionsTable = (table: string): string => `
CREATE TABLE IF NOT EXISTS ${table} (
  version    integer     PRIMARY KEY,
  name       text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  checksum   text
)`;

/**
 * Reads the recorded versions, checking each known one against its file. A version recorded
 * before checksums existed (checksum null) is adopted: it gets its file's checksum.
 */
async function recordedVersions(
  sql: SqlClient,
  set: MigrationSet,
  checksums: readonly string[],
): Promise<Set<number>> {
  const table = set.versionsTable;
  await sql.query(createVersionsTable(table));
  const [hasChecksum] = await sql.query(
    `SELECT 1 FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'checksum' AND NOT attisdropped`,
    [table],
  );
  if (!hasChecksum) await sql.query(`ALTER TABLE ${table} ADD COLUMN checksum text`);
  const rows = await sql.query<RecordedVersion>(`SELECT version, checksum FROM ${table}`);
  for (const row of rows) {
    const version = Number(row.version);
    const expected = checksums[version - 1];
    if (expected === undefined) continue; // applied by newer code: tolerated during a rolling deploy
    if (row.checksum === null) {
      await sql.query(`UPDATE ${table} SET checksum = $2 WHERE version = $1`, [version, expected]);
    } else if (row.checksum !== expected) {
      const migration = set.migrations[version - 1] as Migration;
      throw new MigrationError(
        MigrationErrorCode.ReleasedMigrationChanged,
        `The ${set.owner} migration ${version} ("${migration.name}") was changed after it was applied ` +
          `(recorded checksum ${row.checksum}, file ${expected}). A released migration is never edited: ` +
          `restore its file and put the change in a new version.`,
      );
    }
  }
  return new Set(rows.map((row) => Number(row.version)));
}

/**
 * Applies a set's missing versions, in order, in one transaction under a transaction-scoped
 * advisory lock, so runners starting together queue and each version is applied exactly once.
 * Refuses to start (MigrationError) when a recorded version's checksum no longer matches its
 * file, or when a missing version sits below one already applied. Returns the versions applied.
 */
export async function applyMigrations(sql: SqlClient, set: MigrationSet): Promise<number[]> {
  assertValidSet(set);
  const checksums = set.migrations.map(migrationChecksum);
  return sql.transaction(async (transaction) => {
    await transaction.query('SELECT pg_advisory_xact_lock($1::bigint)', [set.advisoryLockKey]);
    let restoreSearchPath: string | undefined;
    if (set.schema !== undefined) {
      await transaction.query(`CREATE SCHEMA IF NOT EXISTS ${set.schema}`);
      const [current] = await transaction.query<{ search_path: string }>(
        `SELECT current_setting('search_path') AS search_path, set_config('search_path', $1, true)`,
        [set.schema],
      );
      restoreSearchPath = current?.search_path;
    }
    const recorded = await recordedVersions(transaction, set, checksums);
    const highest = Math.max(0, ...recorded);
    const applied: number[] = [];
    for (const [index, migration] of set.migrations.entries()) {
      if (recorded.has(migration.version)) continue;
      if (migration.version < highest) {
        throw new MigrationError(
          MigrationErrorCode.VersionMissingBelowApplied,
          `The ${set.owner} migration ${migration.version} ("${migration.name}") was never applied, ` +
            `but version ${highest} was: versions are applied in order, so this database was ` +
            `migrated by code with a different history.`,
        );
      }
      for (const statement of migration.statements) await transaction.query(statement);
      await transaction.query(
        `INSERT INTO ${set.versionsTable} (version, name, checksum) VALUES ($1, $2, $3)`,
        [migration.version, migration.name, checksums[index]],
      );
      applied.push(migration.version);
    }
    if (restoreSearchPath !== undefined) {
      await transaction.query(`SELECT set_config('search_path', $1, true)`, [restoreSearchPath]);
    }
    return applied;
  });
}
