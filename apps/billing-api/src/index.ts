export { createBillingApi, BillingApiDependencies } from './billing-api';
export { clientLimitsFromEnvironment, ClientLimits } from './boundary/client-limits';
export {
  AuthOptions,
  authOptionsFromEnvironment,
  TOKEN_LIFETIME_MAX_SECONDS_DEFAULT,
} from './auth/auth-options';
export { signToken, TokenClaims } from './auth/sign-token';
export { Scopes } from './auth/scopes';
export { ApiErrorCode } from './errors/api-error-code';
