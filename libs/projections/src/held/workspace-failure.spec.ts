import { CreditsDomainError, CreditsErrorCode } from '@tally/credits';
import { EventStoreError, EventStoreErrorCode } from '@tally/event-store';
import { failureMessage, isWorkspaceFailure } from './workspace-failure';

const databaseError = (code: string, message = 'failed'): Error =>
  Object.assign(new Error(message), { severity: 'ERROR', code });

describe('which failures hold a workspace back', () => {
  it("holds back on the data's errors: out of range, invalid input, a null in a required column", () => {
    for (const code of ['22003', '22P02', '23502', '23514'])
      expect(isWorkspaceFailure(databaseError(code))).toBe(true);
  });

  it('holds back on errors our own code throws while decoding or folding', () => {
    expect(
      isWorkspaceFailure(
        new TypeError("Cannot read properties of undefined (reading 'amountMicro')"),
      ),
    ).toBe(true);
    expect(
      isWorkspaceFailure(
        Object.assign(new Error('CreditDebited.amountMicro is not an integer string'), {
          code: 'MALFORMED_EVENT',
        }),
      ),
    ).toBe(true);
  });

  it('holds back on a CreditsDomainError whatever its message says', () => {
    for (const message of [
      'unknown credit event type "CreditPoolAllocated"',
      'CreditGranted.connectionTimeoutMicro is not an integer string',
    ]) {
      expect(
        isWorkspaceFailure(new CreditsDomainError(CreditsErrorCode.UnknownEventType, message)),
      ).toBe(true);
      expect(
        isWorkspaceFailure(new CreditsDomainError(CreditsErrorCode.MalformedEvent, message)),
      ).toBe(true);
    }
  });

  it("never holds back on the store's own errors, whatever their message says", () => {
    expect(
      isWorkspaceFailure(
        new EventStoreError(EventStoreErrorCode.StoreClosed, 'The event store is closed.'),
      ),
    ).toBe(false);
  });

  it("never holds back on the store's errors: connection, shutdown, lock, serialization, missing table", () => {
    for (const code of ['08006', '57P01', '57014', '55P03', '40001', '40P01', '53100', '42P01'])
      expect(isWorkspaceFailure(databaseError(code))).toBe(false);
    expect(isWorkspaceFailure(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(
      isWorkspaceFailure(
        Object.assign(new Error('read ECONNRESET'), { syscall: 'read', code: 'ECONNRESET' }),
      ),
    ).toBe(false);
  });

  it('records the SQLSTATE or the code with the message', () => {
    expect(failureMessage(databaseError('22003', 'bigint out of range'))).toBe(
      'bigint out of range (SQLSTATE 22003)',
    );
    expect(failureMessage(Object.assign(new Error('bad'), { code: 'MALFORMED_EVENT' }))).toBe(
      'bad (code MALFORMED_EVENT)',
    );
  });
});
