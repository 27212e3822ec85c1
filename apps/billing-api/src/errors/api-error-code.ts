// Every error the billing API answers with. The string values travel in the `code` field of
// the error body and are frozen; the HTTP status of each lives in API_ERROR_STATUS.
export enum ApiErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  MalformedJson = 'MALFORMED_JSON',
  InvalidWorkspaceId = 'INVALID_WORKSPACE_ID',
  InvalidPackSize = 'INVALID_PACK_SIZE',
  CommandRejected = 'COMMAND_REJECTED',
  TooManyEvents = 'TOO_MANY_EVENTS',
  Unauthenticated = 'UNAUTHENTICATED',
  InsufficientScope = 'INSUFFICIENT_SCOPE',
  WorkspaceForbidden = 'WORKSPACE_FORBIDDEN',
  NotFound = 'NOT_FOUND',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  IdempotencyConflict = 'IDEMPOTENCY_CONFLICT',
  RateLimited = 'RATE_LIMITED',
  Unavailable = 'UNAVAILABLE',
  Internal = 'INTERNAL',
}

export const API_ERROR_STATUS: Record<ApiErrorCode, number> = {
  [ApiErrorCode.ValidationFailed]: 400,
  [ApiErrorCode.MalformedJson]: 400,
  [ApiErrorCode.InvalidWorkspaceId]: 400,
  [ApiErrorCode.InvalidPackSize]: 400,
  [ApiErrorCode.CommandRejected]: 400,
  [ApiErrorCode.TooManyEvents]: 400,
  [ApiErrorCode.Unauthenticated]: 401,
  [ApiErrorCode.InsufficientScope]: 403,
  [ApiErrorCode.WorkspaceForbidden]: 403,
  [ApiErrorCode.NotFound]: 404,
  [ApiErrorCode.PayloadTooLarge]: 413,
  [ApiErrorCode.UnsupportedMediaType]: 415,
  [ApiErrorCode.IdempotencyConflict]: 409,
  [ApiErrorCode.RateLimited]: 429,
  [ApiErrorCode.Unavailable]: 503,
  [ApiErrorCode.Internal]: 500,
};
