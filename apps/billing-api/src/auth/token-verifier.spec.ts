import { createHmac } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, JWTVerifyGetKey, SignJWT } from 'jose';
import { signToken } from './sign-token';
import {
  InvalidTokenError,
  KeySetUnavailableError,
  TokenVerifier,
  TokenVerifierOptions,
} from './token-verifier';

const secret = 'a-test-secret-of-enough-length';
const now = new Date(1_800_000_000_000);
const nowSeconds = now.getTime() / 1_000;
const claims = { workspaceId: 'ws-1', scope: 'credits:read credits:purchase' };

function verifier(options: Partial<TokenVerifierOptions> = {}): TokenVerifier {
  return new TokenVerifier({ secret, keySet: undefined, lifetimeMaxSeconds: 3_600, ...options });
}

/** An HS256 token with exactly these claims, signed by jose (no iat/exp added). */
function hs256(payload: Record<string, unknown>, key = secret): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(key));
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('bearer token verification', () => {
  it('returns the principal of a token signed with the secret, expiring at its exp', async () => {
    const token = await signToken(claims, secret, 600, now);
    await expect(verifier().verify(token, now)).resolves.toEqual({
      workspaceId: 'ws-1',
      scopes: new Set(['credits:read', 'credits:purchase']),
      expiresAtMs: now.getTime() + 600_000,
    });
  });

  it('refuses a token without exp', async () => {
    const token = await hs256({ ...claims, iat: nowSeconds });
    await expect(verifier().verify(token, now)).rejects.toThrow(
      new InvalidTokenError('token claim "exp" is missing'),
    );
  });

  it('refuses a padded signature', async () => {
    // 32 bytes of HMAC are 43 base64url characters; the padded spelling adds one "=".
    const token = await signToken(claims, secret, 600, now);
    await expect(verifier().verify(`${token}=`, now)).rejects.toThrow(InvalidTokenError);
    const [header, payload] = token.split('.') as [string, string];
    const padded = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64');
    await expect(verifier().verify(`${header}.${payload}.${padded}`, now)).rejects.toThrow(
      'unpadded base64url',
    );
  });

  it('refuses a second spelling of the same signature (other trailing bits)', async () => {
    const token = await signToken(claims, secret, 600, now);
    const last = token.at(-1) as string;
    // The 43rd character carries 4 bits of the signature and 2 bits the decoder ignores.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] as string;
    expect(Buffer.from(token.slice(token.lastIndexOf('.') + 1, -1) + sibling, 'base64url')).toEqual(
      Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url'),
    );
    await expect(verifier().verify(token.slice(0, -1) + sibling, now)).rejects.toThrow(
      InvalidTokenError,
    );
  });

  it('refuses a token whose lifetime exceeds the maximum', async () => {
    const tooLong = await signToken(claims, secret, 3_601, now);
    await expect(verifier().verify(tooLong, now)).rejects.toThrow('exceeds the maximum');
    // Without iat, the lifetime counts from now.
    const noIat = await hs256({ ...claims, exp: nowSeconds + 3_601 });
    await expect(verifier().verify(noIat, now)).rejects.toThrow('exceeds the maximum');
    await expect(
      verifier().verify(await hs256({ ...claims, exp: nowSeconds + 3_600 }), now),
    ).resolves.toBeDefined();
    // An iat in the future would shrink exp − iat: refused.
    const futureIat = await hs256({
      ...claims,
      iat: nowSeconds + 86_400,
      exp: nowSeconds + 86_500,
    });
    await expect(verifier().verify(futureIat, now)).rejects.toThrow('"iat" is in the future');
  });

  it('refuses an expired token and one not valid yet, beyond the clock tolerance only', async () => {
    const expired = await hs256({ ...claims, exp: nowSeconds - 31 });
    await expect(verifier().verify(expired, now)).rejects.toThrow('token has expired');
    const notYet = await hs256({ ...claims, nbf: nowSeconds + 31, exp: nowSeconds + 60 });
    await expect(verifier().verify(notYet, now)).rejects.toThrow('not valid yet');
    const justExpired = await hs256({ ...claims, exp: nowSeconds - 10 });
    await expect(verifier().verify(justExpired, now)).resolves.toBeDefined();
  });

  it('refuses another secret, a tampered payload, alg none and malformed tokens', async () => {
    const token = await signToken(claims, secret, 600, now);
    await expect(
      verifier({ secret: 'another-secret-entirely' }).verify(token, now),
    ).rejects.toThrow('signature is invalid');
    const [header, , signature] = token.split('.') as [string, string, string];
    const forged = base64UrlJson({
      workspaceId: '*',
      scope: 'credits:admin',
      exp: nowSeconds + 60,
    });
    await expect(verifier().verify(`${header}.${forged}.${signature}`, now)).rejects.toThrow(
      InvalidTokenError,
    );
    const none = base64UrlJson({ alg: 'none' });
    await expect(verifier().verify(`${none}.${forged}.`, now)).rejects.toThrow(InvalidTokenError);
    await expect(verifier().verify(`${none}.${forged}.AAAA`, now)).rejects.toThrow(
      'algorithm is not accepted',
    );
    for (const malformed of ['', 'a.b', 'a.b.c', '...', 'x'.repeat(9_000), 'a+b.c/d.e']) {
      await expect(verifier().verify(malformed, now)).rejects.toThrow(InvalidTokenError);
    }
  });

  it('refuses claims that are not a workspace id and a space-separated scope', async () => {
    for (const bad of [
      { workspaceId: 'a b', scope: 'credits:read' },
      { workspaceId: 7, scope: 'credits:read' },
      { workspaceId: 'ws-1', scope: ['credits:read'] },
      { workspaceId: 'ws-1' },
    ]) {
      const token = await hs256({ ...bad, exp: nowSeconds + 60 });
      await expect(verifier().verify(token, now)).rejects.toThrow(InvalidTokenError);
    }
  });
});

describe('tokens of an identity provider (JWKS)', () => {
  async function keyPair(alg: 'RS256' | 'ES256', kid: string) {
    const { publicKey, privateKey } = await generateKeyPair(alg);
    return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
  }

  function signed(alg: string, kid: string, key: Parameters<SignJWT['sign']>[0]): Promise<string> {
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg, kid })
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + 300)
      .sign(key);
  }

  it('accepts RS256 and ES256 tokens whose key is in the key set', async () => {
    const rsa = await keyPair('RS256', 'rsa-1');
    const ec = await keyPair('ES256', 'ec-1');
    const keySet = createLocalJWKSet({ keys: [rsa.jwk, ec.jwk] });
    const tokens = verifier({ secret: undefined, keySet });
    await expect(
      tokens.verify(await signed('RS256', 'rsa-1', rsa.privateKey), now),
    ).resolves.toMatchObject({ workspaceId: 'ws-1' });
    await expect(
      tokens.verify(await signed('ES256', 'ec-1', ec.privateKey), now),
    ).resolves.toMatchObject({ workspaceId: 'ws-1' });
  });

  it('refuses an unknown key, HS256 without a secret and RS256 without a key set', async () => {
    const rsa = await keyPair('RS256', 'rsa-1');
    const stranger = await keyPair('RS256', 'rsa-2');
    const keySet = createLocalJWKSet({ keys: [rsa.jwk] });
    const jwksOnly = verifier({ secret: undefined, keySet });
    await expect(
      jwksOnly.verify(await signed('RS256', 'rsa-2', stranger.privateKey), now),
    ).rejects.toThrow('no key of the key set');
    await expect(jwksOnly.verify(await signToken(claims, secret, 60, now), now)).rejects.toThrow(
      'algorithm is not accepted',
    );
    await expect(
      verifier().verify(await signed('RS256', 'rsa-1', rsa.privateKey), now),
    ).rejects.toThrow('algorithm is not accepted');
  });

  it('refuses an RS256 header signed with HMAC over the public key (algorithm confusion)', async () => {
    const rsa = await keyPair('RS256', 'rsa-1');
    const both = verifier({ keySet: createLocalJWKSet({ keys: [rsa.jwk] }) });
    const publicKeyBytes = new TextEncoder().encode(JSON.stringify(rsa.jwk));
    const confused = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .setExpirationTime(nowSeconds + 60)
      .sign(publicKeyBytes);
    await expect(both.verify(confused, now)).rejects.toThrow('signature is invalid');
  });

  it('reports an unreachable key set as unavailable, not as a bad token', async () => {
    const rsa = await keyPair('RS256', 'rsa-1');
    const unreachable: JWTVerifyGetKey = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    };
    await expect(
      verifier({ secret: undefined, keySet: unreachable }).verify(
        await signed('RS256', 'rsa-1', rsa.privateKey),
        now,
      ),
    ).rejects.toThrow(KeySetUnavailableError);
  });
});
