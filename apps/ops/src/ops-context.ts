import type { EventStore, SqlClient } from '@tally/event-store';
import type { MessageBus } from '@tally/messaging';

/** What every command gets: the database, a bus when it needs one, and where to write. */
export interface OpsContext {
  store: EventStore;
  sql: SqlClient;
  bus?: () => MessageBus;
  /** Results (stdout). */
  out: (line: string) => void;
  /** Progress and diagnostics (stderr). */
  err: (text: string) => void;
  /** The clock of commands that depend on the time (price books); the system clock when absent. */
  now?: () => Date;
}

/** Exit status of a command: 0 when all is well. */
export type ExitCode = number;
