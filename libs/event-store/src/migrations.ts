import type { SqlClient } from './sql-client.port';
import { CREATE_APPEND_FUNCTION, DROP_OLD_APPEND_FUNCTIONS } from './sql/append-function.sql';
import {
  CREATE_EVENTS_EVENT_ID_INDEX,
  CREATE_EVENTS_GLOBAL_ORDER_INDEX,
  CREATE_EVENTS_STREAM_REVISION_INDEX,
  CREATE_EVENTS_TABLE,
  MAKE_GLOBAL_ORDER_THE_PRIMARY_KEY,
} from './sql/events-table.sql';
import { CREATE_SCHEMA_VERSIONS_TABLE, MIGRATION_ADVISORY_LOCK_KEY } from './sql/schema-versions-table.sql';
import { CREATE_STREAMS_TABLE } from './sql/streams-table.sql';

interface Migration {
  version: number;
  name: string;
  statements: string[];
}

// Append-only: a released migration is never edited, a change is a new version.
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create streams and events',
    statements: [
      CREATE_STREAMS_TABLE,
      CREATE_EVENTS_TABLE,
      CREATE_EVENTS_EVENT_ID_INDEX,
      CREATE_EVENTS_STREAM_REVISION_INDEX,
      CREATE_EVENTS_GLOBAL_ORDER_INDEX,
    ],
  },
  { version: 2, name: 'create event_store_append', statements: [CREATE_APPEND_FUNCTION] },
  {
    version: 3,
    name: 'event_store_append takes JSON documents and can reject duplicates',
    statements: [...DROP_OLD_APPEND_FUNCTIONS, CREATE_APPEND_FUNCTION],
  },
  { version: 4, name: 'the global order is the primary key', statements: MAKE_GLOBAL_ORDER_THE_PRIMARY_KEY },
  {
    version: 5,
    name: 'event_store_append inserts straight from the JSON document; the index finds rejected duplicates',
    statements: [CREATE_APPEND_FUNCTION],
  },
];

/**
 * Applies the missing migrations in one transaction under a transaction-scoped advisory lock,
 * so processes starting together apply each migration exactly once. Returns the versions applied.
 */
export async function migrateEventStore(sql: SqlClient): Promise<number[]> {
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_ADVISORY_LOCK_KEY]);
    await tx.query(CREATE_SCHEMA_VERSIONS_TABLE);
    const rows = await tx.query<{ version: number }>('SELECT version FROM event_store_schema_versions');
    const applied = new Set(rows.map((row) => Number(row.version)));
    const appliedNow: number[] = [];
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO event_store_schema_versions (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      appliedNow.push(migration.version);
    }
    return appliedNow;
  });
}
