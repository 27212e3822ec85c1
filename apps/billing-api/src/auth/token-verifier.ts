import { createSecretKey, KeyObject } from 'node:crypto';
import { WORKSPACE_ID_PATTERN } from '@tally/contracts';
import { errors, JWTPayload, jwtVerify, JWTVerifyGetKey } from 'jose';
import { ANY_WORKSPACE, Principal } from './scopes';

/** Seconds of clock difference forgiven on `exp`, `nbf` and `iat`. */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** Longest token accepted at all: no legitimate JWT of ours comes near it. */
export const TOKEN_LENGTH_MAX = 8_192;

/** HS256 is verified with the shared secret; these only against the JWKS. */
const KEY_SET_ALGORITHMS = ['RS256', 'ES256'] as const;

// Three unpadded base64url segments. Node's base64url decoder (which jose uses) also takes `=`,
// `+` and `/`, so two spellings of one signature would verify; only the canonical one does here.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The token is not acceptable: 401. */
export class InvalidTokenError extends Error {}

/** The identity provider's key set could not be fetched: 503, the caller did nothing wrong. */
export class KeySetUnavailableError extends Error {}

export interface TokenVerifierOptions {
  /** HS256 shared secret; without it HS256 tokens are refused. */
  secret: string | undefined;
  /** RS256/ES256 public keys (a JWKS); without it those tokens are refused. */
  keySet: JWTVerifyGetKey | undefined;
  /** Longest accepted `exp − iat` (or `exp − now` when the token has no `iat`). */
  lifetimeMaxSeconds: number;
}

/** Verifies a bearer token with jose and turns its claims into the caller's Principal. */
export class TokenVerifier {
  /** A KeyObject made once: given bytes, jose would make one on every verification. */
  private readonly secret: KeyObject | undefined;
  private readonly algorithms: string[];

  constructor(private readonly options: TokenVerifierOptions) {
    if (options.secret === undefined && options.keySet === undefined)
      throw new Error('assertion failed: a token verifier needs a secret, a key set or both');
    if (!Number.isInteger(options.lifetimeMaxSeconds) || options.lifetimeMaxSeconds <= 0)
      throw new Error('assertion failed: the token lifetime maximum must be a positive integer');
    this.secret =
      options.secret === undefined
        ? undefined
        : createSecretKey(new TextEncoder().encode(options.secret));
    this.algorithms = [
      ...(options.secret === undefined ? [] : ['HS256']),
      ...(options.keySet === undefined ? [] : KEY_SET_ALGORITHMS),
    ];
  }

  async verify(token: string, now = new Date()): Promise<Principal> {
    if (token.length > TOKEN_LENGTH_MAX) throw new InvalidTokenError('token is too long');
    if (!TOKEN_SHAPE.test(token) || !isCanonicalBase64Url(token.slice(token.lastIndexOf('.') + 1)))
      throw new InvalidTokenError('token must be three unpadded base64url segments');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keyFor, {
        algorithms: this.algorithms,
        requiredClaims: ['exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: now,
      }));
    } catch (error) {
      throw refusalOf(error);
    }
    return principalOf(payload, Math.floor(now.getTime() / 1_000), this.options.lifetimeMaxSeconds);
  }

  // jose has already refused any algorithm outside `algorithms`, so `alg` picks the key kind.
  private readonly keyFor: JWTVerifyGetKey = async (header, token) => {
    if (header.alg === 'HS256' && this.secret !== undefined) return this.secret;
    if (this.options.keySet === undefined) throw new errors.JOSEAlgNotAllowed('no key set');
    try {
      return await this.options.keySet(header, token);
    } catch (error) {
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys
      )
        throw error;
      throw new KeySetUnavailableError(`the JWKS could not be read: ${String(error)}`);
    }
  };
}

function isCanonicalBase64Url(segment: string): boolean {
  return Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

// jose's messages name its internals; the caller gets one sentence about their token.
function refusalOf(error: unknown): Error {
  if (error instanceof KeySetUnavailableError) return error;
  if (error instanceof errors.JWTExpired) return new InvalidTokenError('token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' && error.reason === 'check_failed')
      return new InvalidTokenError('token is not valid yet');
    return new InvalidTokenError(
      `token claim "${error.claim}" is ${error.reason === 'missing' ? 'missing' : 'invalid'}`,
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return new InvalidTokenError('token algorithm is not accepted here');
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new InvalidTokenError('token signature is invalid');
  if (error instanceof errors.JWKSNoMatchingKey)
    return new InvalidTokenError('no key of the key set matches the token');
  if (error instanceof errors.JOSEError) return new InvalidTokenError('token is malformed');
  return error instanceof Error ? error : new Error(String(error));
}

function principalOf(
  payload: JWTPayload,
  nowSeconds: number,
  lifetimeMaxSeconds: number,
): Principal {
  const { exp, iat, workspaceId, scope } = payload;
  if (typeof exp !== 'number') throw new InvalidTokenError('token claim "exp" is missing');
  // A future `iat` would shorten `exp − iat` and let a long-lived token pass the maximum.
  if (iat !== undefined && iat > nowSeconds + CLOCK_TOLERANCE_SECONDS)
    throw new InvalidTokenError('token claim "iat" is in the future');
  const lifetimeSeconds = exp - (iat ?? nowSeconds);
  if (lifetimeSeconds > lifetimeMaxSeconds)
    throw new InvalidTokenError(
      `token lifetime exceeds the maximum of ${lifetimeMaxSeconds} seconds`,
    );
  if (
    typeof workspaceId !== 'string' ||
    (workspaceId !== ANY_WORKSPACE && !WORKSPACE_ID_PATTERN.test(workspaceId))
  )
    throw new InvalidTokenError('token has no valid workspaceId claim');
  if (typeof scope !== 'string') throw new InvalidTokenError('token has no scope claim');
  return {
    workspaceId,
    scopes: new Set(scope.split(' ').filter((item) => item.length > 0)),
    expiresAtMs: exp * 1_000,
  };
}
