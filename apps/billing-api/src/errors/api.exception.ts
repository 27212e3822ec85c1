import { ApiErrorCode } from './api-error-code';

/** An error a caller can act on: a code from the enum, a sentence, and structured details. */
export class ApiException extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
    this.name = 'ApiException';
  }
}

export interface ApiErrorBody {
  code: string;
  message: string;
  details: unknown;
}

/**
 * VALIDATION_FAILED in its one details shape — an entry per refused field, each with `message` —
 * and `summary` (default: `message`) as the error's own message.
 */
export function fieldsRefused(
  paths: readonly string[],
  message: string,
  summary = message,
): ApiException {
  return new ApiException(
    ApiErrorCode.ValidationFailed,
    summary,
    paths.map((path) => ({ path, messages: [message] })),
  );
}
