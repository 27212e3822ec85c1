// Migrations applied so far; guarded by MIGRATION_ADVISORY_LOCK_KEY so concurrent starters queue.
export const MIGRATION_ADVISORY_LOCK_KEY = 7_401_604_001;

export const CREATE_SCHEMA_VERSIONS_TABLE = `
CREATE TABLE IF NOT EXISTS event_store_schema_versions (
  version    integer     PRIMARY KEY,
  name       text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;
