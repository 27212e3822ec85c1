import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, JSONWebKeySet, JWTVerifyGetKey } from 'jose';

// Explicit limits on the identity provider's key endpoint: a slow provider delays a request by
// at most the timeout, and a token with an unknown `kid` triggers at most one refetch per
// cooldown, so forged `kid`s cannot make us hammer the provider.
const REMOTE_KEY_SET_TIMEOUT_MS = 5_000;
const REMOTE_KEY_SET_COOLDOWN_MS = 30_000;
const REMOTE_KEY_SET_CACHE_MAX_AGE_MS = 10 * 60_000;

/** Where the RS256/ES256 public keys come from, if anywhere: a JWKS file or a JWKS URL. */
export interface KeySetSource {
  jwksFile?: string;
  jwksUrl?: string;
}

/** The JWKS lookup for `jwtVerify`; undefined when no key set is configured. */
export function keySetFrom(source: KeySetSource): JWTVerifyGetKey | undefined {
  if (source.jwksFile !== undefined && source.jwksUrl !== undefined)
    throw new Error('set TALLY_JWKS_FILE or TALLY_JWKS_URL, not both');
  if (source.jwksFile !== undefined) return createLocalJWKSet(readKeySetFile(source.jwksFile));
  if (source.jwksUrl !== undefined) {
    const url = new URL(source.jwksUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new Error(`TALLY_JWKS_URL must be an http(s) URL, got "${source.jwksUrl}"`);
    return createRemoteJWKSet(url, {
      timeoutDuration: REMOTE_KEY_SET_TIMEOUT_MS,
      cooldownDuration: REMOTE_KEY_SET_COOLDOWN_MS,
      cacheMaxAge: REMOTE_KEY_SET_CACHE_MAX_AGE_MS,
    });
  }
  return undefined;
}

// Read once at start: a file that is not a key set stops the process rather than refusing
// every token later.
function readKeySetFile(path: string): JSONWebKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`TALLY_JWKS_FILE ${path} is not a readable JSON file: ${String(error)}`);
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0)
    throw new Error(
      `TALLY_JWKS_FILE ${path} must be a JWKS: { "keys": [ ... ] } with at least one key`,
    );
  // A private member here means the signing key was copied where only public keys belong.
  if (keys.some((key) => typeof key === 'object' && key !== null && 'd' in key))
    throw new Error(`TALLY_JWKS_FILE ${path} holds a private key; give it the public keys only`);
  return parsed as JSONWebKeySet;
}
