import { CreditsDomainError } from '@tally/credits';
import { EventDataRejectedError, EventStoreError } from '@tally/event-store';

// Which failures are about one workspace's events, and which are the store's. Only the first
// kind holds a workspace back; the second is thrown, and the subscription retries the batch.
// Our own errors are told apart by class, never by what their message says: a stored event's
// type or field can hold any word.

// SQLSTATE classes of a statement that failed on the data it was given: 22 data exception
// (numeric value out of range, invalid input), 23 integrity constraint violation (not null).
const DATA_SQLSTATE_CLASSES = new Set(['22', '23']);
// Driver errors that carry no SQLSTATE but say the connection is gone (pg's pool and client
// throw plain Errors for these, so their message is all there is to go by).
const CONNECTION_MESSAGE = /connection|terminated|timeout|not queryable|pool/i;

/**
 * True for a failure that the workspace's own events cause and will cause again: a
 * CreditsDomainError (an event this build cannot decode), data the store refused, a database
 * error of a data class, or another error thrown by our code (fold, assertion). False for the
 * store's errors: an EventStoreError (a closed store), connection lost, timeouts, serialization
 * and lock failures, missing tables, out of resources.
 */
export function isWorkspaceFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  if (error instanceof CreditsDomainError || error instanceof EventDataRejectedError) return true;
  if (error instanceof EventStoreError) return false;
  // Database errors: pg's and PGlite's DatabaseError are different classes (PGlite bundles its
  // own, loaded at run time), so they are recognised by their fields.
  const fields = error as Error & { code?: unknown; severity?: unknown; syscall?: unknown };
  if (typeof fields.severity === 'string' && typeof fields.code === 'string')
    return DATA_SQLSTATE_CLASSES.has(fields.code.slice(0, 2));
  if (fields.syscall !== undefined) return false;
  return !CONNECTION_MESSAGE.test(error.message);
}

/** The message recorded on a hold. */
export function failureMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  if (typeof code !== 'string') return error.message;
  return `${error.message} (${typeof severity === 'string' ? 'SQLSTATE' : 'code'} ${code})`;
}
