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
