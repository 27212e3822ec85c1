export type {
  AlongsideWrites,
  AppendManyOptions,
  AppendResult,
  BindParameter,
  EventData,
  EventFilter,
  EventStore,
  EventSubscription,
  ExpectedRevision,
  HeldStream,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeToAllOptions,
} from './event-store.port';
export type { SqlClient } from './sql-client.port';
export {
  DuplicateEventError,
  EventDataRejectedError,
  EventStoreError,
  EventStoreErrorCode,
  HeldStreamMovedError,
  WrongExpectedRevisionError,
} from './event-store.errors';
export { START, comparePositions, positionFromString, positionToString } from './position';
export { firstCommittedEventAfter } from './first-committed-after';
export {
  EVENT_STORE_NOTIFY_CHANNEL,
  READ_ALL_COUNT_DEFAULT,
  READ_ALL_COUNT_MAX,
  SUBSCRIPTION_BATCH_SIZE_DEFAULT,
  SUBSCRIPTION_POLL_INTERVAL_MS,
} from './event-store.limits';
export { createPgSqlClient } from './pg-sql-client';
export { createPgliteSqlClient } from './pglite-sql-client';
export { loadPglite } from './pglite-loader';
export { migrateEventStore } from './migrations';
export { EVENT_STORE_MIGRATIONS } from './migrations';
export {
  applyMigrations,
  migrationChecksum,
  MigrationError,
  MigrationErrorCode,
  type Migration,
  type MigrationSet,
} from './migration-runner';
export { SqlEventStore, createSqlEventStore } from './sql-event-store';
export {
  createPostgresEventStore,
  type PostgresEventStoreOptions,
} from './create-postgres-event-store';
export { createPgliteEventStore } from './create-pglite-event-store';
export type { EventRange, NextRangeOptions, PositionRange, RangeQuery } from './event-store.port';
export { RANGE_EVENTS_MAX } from './event-store.limits';
export { parameterBinder } from './parameter-binder';
