export { createBillingApi, BillingApiDependencies } from './billing-api';
export { signHs256, verifyHs256 } from './auth/jwt-hs256';
export { Scopes } from './auth/scopes';
export { ApiErrorCode } from './errors/api-error-code';
