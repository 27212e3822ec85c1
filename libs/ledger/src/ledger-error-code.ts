import type { CreditsErrorCode } from '@tally/credits';

/**
 * The ledger's own refusals, beside the domain's (CreditsErrorCode). Each travels as is: a DLQ
 * message's `x-error-code` header, and over HTTP as the error code or the refusal's reason.
 */
export enum LedgerErrorCode {
  /** A pack or grant replayed under the same paymentRef or reference with other content. */
  IdempotencyConflict = 'IDEMPOTENCY_CONFLICT',
  /** PostgreSQL refused to store the command's events (something validation let through). */
  StoreRejected = 'STORE_REJECTED',
}

/** Every code a command can be refused with: the domain's and the ledger's. */
export type RefusalCode = CreditsErrorCode | LedgerErrorCode;
