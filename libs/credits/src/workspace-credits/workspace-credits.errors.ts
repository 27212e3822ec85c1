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
  UnknownEventType = 'UNKNOWN_EVENT_TYPE',
  MalformedEvent = 'MALFORMED_EVENT',
}

export class CreditsDomainError extends Error {
  constructor(
    readonly code: CreditsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CreditsDomainError';
  }
}
