/**
 * Input the client refused before sending: a message the contracts' parser refuses (thrown by
 * the builders, at the caller), or a reservation request outside the API's rules.
 */
export class InvalidInputError extends Error {
  constructor(
    /** The contracts' code: `VALIDATION_FAILED`, `PAYLOAD_TOO_LARGE`, … */
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
    this.name = 'InvalidInputError';
  }
}
