import { SignJWT } from 'jose';

/** The claims the billing API reads (docs/api.md). */
export interface TokenClaims {
  /** A workspace id, or `*` for service and operator tokens. */
  workspaceId: string;
  /** Space-separated scopes. */
  scope: string;
}

/**
 * An HS256 token issued now and valid for `lifetimeSeconds`, for the embedded runner, tests,
 * benchmarks and tools. Production tokens come from whoever holds the secret or the identity
 * provider; the API itself never issues any.
 */
export async function signToken(
  claims: TokenClaims,
  secret: string,
  lifetimeSeconds: number,
  now = new Date(),
): Promise<string> {
  const issuedAtSeconds = Math.floor(now.getTime() / 1_000);
  return new SignJWT({ workspaceId: claims.workspaceId, scope: claims.scope })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(issuedAtSeconds)
    .setExpirationTime(issuedAtSeconds + lifetimeSeconds)
    .sign(new TextEncoder().encode(secret));
}
