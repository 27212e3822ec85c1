// Commands the decider refuses. The ledger maps the code to a DLQ header or an HTTP 400; a
// bug, by contrast, is a plain Error and stops the process.
export enum CreditsErrorCode {
  WorkspaceMismatch = 'WORKSPACE_MISMATCH',
  InvalidAmount = 'INVALID_AMOUNT',
  InvalidPeriod = 'INVALID_PERIOD',
  InvalidInstant = 'INVALID_INSTANT',
  OpenGrantsLimitReached = 'OPEN_GRANTS_LIMIT_REACHED',
  PeriodOutdated = 'PERIOD_OUTDATED',
  PriceTooLarge = 'PRICE_TOO_LARGE',
  CreditsInsufficient = 'CREDITS_INSUFFICIENT',
  LiveReservationsLimitReached = 'LIVE_RESERVATIONS_LIMIT_REACHED',
  UnknownEventType = 'UNKNOWN_EVENT_TYPE',
  MalformedEvent = 'MALFORMED_EVENT',
}

export class CreditsDomainError extends Error {
  constructor(
    readonly code: CreditsErrorCode,
    message: string,
    /** What a caller needs to act on the refusal (e.g. the total available). */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'CreditsDomainError';
  }
}
