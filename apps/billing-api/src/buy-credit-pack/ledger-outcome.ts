import { CommandOutcome, LedgerErrorCode } from '@tally/ledger';
import { ApiErrorCode } from '../errors/api-error-code';
import { ApiException } from '../errors/api.exception';

/**
 * 201 for a first application, 200 for a replay with the same content, 409 for a replay with
 * other content (the body names what was applied); any other refusal is the caller's 400.
 */
export function statusOfOutcome(outcome: CommandOutcome | undefined): {
  status: 200 | 201;
  replayed: boolean;
} {
  if (outcome === undefined)
    throw new Error('assertion failed: the ledger returned no outcome for one command');
  if (outcome.kind === 'rejected' && outcome.code === LedgerErrorCode.IdempotencyConflict)
    throw new ApiException(
      ApiErrorCode.IdempotencyConflict,
      outcome.message,
      outcome.details ?? null,
    );
  if (outcome.kind === 'rejected')
    throw new ApiException(ApiErrorCode.CommandRejected, outcome.message, { reason: outcome.code });
  return outcome.kind === 'applied'
    ? { status: 201, replayed: false }
    : { status: 200, replayed: true };
}
