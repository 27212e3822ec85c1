import { createHmac, timingSafeEqual } from 'node:crypto';

// HS256 JSON Web Tokens with node:crypto only. Verification refuses every algorithm but HS256
// (so never `none`), compares signatures in constant time and checks exp/nbf.

const CLOCK_SKEW_SECONDS = 30;
const TOKEN_LENGTH_MAX = 8_192;

export class InvalidTokenError extends Error {}

function base64UrlJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidTokenError('token is not valid base64url JSON');
  }
}

function signatureOf(signingInput: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest();
}

export function signHs256(claims: Record<string, unknown>, secret: string): string {
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${header}.${payload}.${signatureOf(`${header}.${payload}`, secret).toString('base64url')}`;
}

/** The verified claims; throws InvalidTokenError for anything else. */
export function verifyHs256(
  token: string,
  secret: string,
  nowSeconds = Date.now() / 1_000,
): Record<string, unknown> {
  if (token.length > TOKEN_LENGTH_MAX) throw new InvalidTokenError('token is too long');
  const parts = token.split('.');
  if (parts.length !== 3) throw new InvalidTokenError('token must have three parts');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = base64UrlJson(headerPart) as { alg?: unknown } | null;
  if (header === null || typeof header !== 'object' || header.alg !== 'HS256')
    throw new InvalidTokenError('token algorithm must be HS256');
  const expected = signatureOf(`${headerPart}.${payloadPart}`, secret);
  const actual = Buffer.from(signaturePart, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    throw new InvalidTokenError('token signature is invalid');
  const claims = base64UrlJson(payloadPart);
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims))
    throw new InvalidTokenError('token claims must be an object');
  const { exp, nbf } = claims as { exp?: unknown; nbf?: unknown };
  if (exp !== undefined && (typeof exp !== 'number' || nowSeconds > exp + CLOCK_SKEW_SECONDS))
    throw new InvalidTokenError('token has expired');
  if (nbf !== undefined && (typeof nbf !== 'number' || nowSeconds + CLOCK_SKEW_SECONDS < nbf))
    throw new InvalidTokenError('token is not valid yet');
  return claims as Record<string, unknown>;
}
