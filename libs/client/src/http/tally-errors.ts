/** Tally answered with an error body `{ code, message, details }` (docs/api.md). */
export class TallyApiError extends Error {
  constructor(
    readonly status: number,
    /** The API's code: `RESERVATION_CONFLICT`, `NOT_FOUND`, `VALIDATION_FAILED`, … */
    readonly code: string,
    message: string,
    readonly details: unknown,
    readonly attempts: number,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'TallyApiError';
  }
}

/** Tally could not be reached (connection refused, reset, timed out) in any attempt. */
export class TallyNetworkError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'TallyNetworkError';
  }
}
