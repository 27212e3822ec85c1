// Why a message was refused at the boundary. The string values travel in the `x-error-code`
// DLQ header and in HTTP 400 bodies, so they are frozen.
export enum ContractErrorCode {
  MalformedJson = 'MALFORMED_JSON',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnknownType = 'UNKNOWN_TYPE',
  UnsupportedSchemaVersion = 'UNSUPPORTED_SCHEMA_VERSION',
  ValidationFailed = 'VALIDATION_FAILED',
}
