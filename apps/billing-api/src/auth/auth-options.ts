import { keySetFrom } from './token-key-set';
import { TokenVerifier } from './token-verifier';

/** Default longest token lifetime: one day. */
export const TOKEN_LIFETIME_MAX_SECONDS_DEFAULT = 86_400;
// A bound on the setting itself: a bearer token valid for months is a leak waiting to happen.
const TOKEN_LIFETIME_MAX_SECONDS_LIMIT = 30 * 86_400;
const SECRET_LENGTH_MIN = 16;

/** How the billing API checks tokens, besides the HS256 secret. */
export interface AuthOptions {
  /** Longest accepted token lifetime in seconds; default 86400. */
  tokenLifetimeMaxSeconds?: number;
  /** JWKS file with the RS256/ES256 public keys of an identity provider. */
  jwksFile?: string;
  /** JWKS URL of an identity provider (fetched and cached). */
  jwksUrl?: string;
}

/** `TALLY_JWT_LIFETIME_MAX_SECONDS`, `TALLY_JWKS_FILE`, `TALLY_JWKS_URL`. */
export function authOptionsFromEnvironment(
  env = process.env,
): AuthOptions & { tokenLifetimeMaxSeconds: number } {
  const raw = env.TALLY_JWT_LIFETIME_MAX_SECONDS?.trim();
  const tokenLifetimeMaxSeconds = raw ? Number(raw) : TOKEN_LIFETIME_MAX_SECONDS_DEFAULT;
  return {
    tokenLifetimeMaxSeconds,
    ...(env.TALLY_JWKS_FILE?.trim() ? { jwksFile: env.TALLY_JWKS_FILE.trim() } : {}),
    ...(env.TALLY_JWKS_URL?.trim() ? { jwksUrl: env.TALLY_JWKS_URL.trim() } : {}),
  };
}

/** The verifier for a configuration; throws (stopping the start) when the configuration is bad. */
export function tokenVerifierFor(
  secret: string | undefined,
  options: AuthOptions = {},
): TokenVerifier {
  const lifetimeMaxSeconds = options.tokenLifetimeMaxSeconds ?? TOKEN_LIFETIME_MAX_SECONDS_DEFAULT;
  if (
    !Number.isInteger(lifetimeMaxSeconds) ||
    lifetimeMaxSeconds < 1 ||
    lifetimeMaxSeconds > TOKEN_LIFETIME_MAX_SECONDS_LIMIT
  )
    throw new Error(
      `TALLY_JWT_LIFETIME_MAX_SECONDS must be an integer from 1 to ${TOKEN_LIFETIME_MAX_SECONDS_LIMIT}, got ${lifetimeMaxSeconds}`,
    );
  if (secret !== undefined && secret.length < SECRET_LENGTH_MIN)
    throw new Error(`the JWT secret must be at least ${SECRET_LENGTH_MIN} characters`);
  const keySet = keySetFrom(options);
  if (secret === undefined && keySet === undefined)
    throw new Error('set TALLY_JWT_SECRET, or TALLY_JWKS_FILE / TALLY_JWKS_URL, to verify tokens');
  return new TokenVerifier({ secret, keySet, lifetimeMaxSeconds });
}
