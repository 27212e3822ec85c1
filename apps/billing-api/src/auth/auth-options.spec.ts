import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import {
  authOptionsFromEnvironment,
  TOKEN_LIFETIME_MAX_SECONDS_DEFAULT,
  tokenVerifierFor,
} from './auth-options';

const secret = 'a-test-secret-of-enough-length';

describe('auth configuration', () => {
  let folder: string;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'tally-auth-options-'));
  });

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('reads the lifetime maximum and the JWKS source from the environment, one day by default', () => {
    expect(authOptionsFromEnvironment({})).toEqual({ tokenLifetimeMaxSeconds: 86_400 });
    expect(TOKEN_LIFETIME_MAX_SECONDS_DEFAULT).toBe(86_400);
    expect(
      authOptionsFromEnvironment({
        TALLY_JWT_LIFETIME_MAX_SECONDS: '900',
        TALLY_JWKS_URL: 'https://idp.example/.well-known/jwks.json',
      }),
    ).toEqual({
      tokenLifetimeMaxSeconds: 900,
      jwksUrl: 'https://idp.example/.well-known/jwks.json',
    });
  });

  it('stops the start on a configuration that cannot verify tokens safely', () => {
    expect(() => tokenVerifierFor(undefined, {})).toThrow('TALLY_JWT_SECRET');
    expect(() => tokenVerifierFor('short', {})).toThrow('at least 16');
    for (const bad of [0, -5, 1.5, Number.NaN, 31 * 86_400])
      expect(() => tokenVerifierFor(secret, { tokenLifetimeMaxSeconds: bad })).toThrow(
        'TALLY_JWT_LIFETIME_MAX_SECONDS',
      );
    expect(() =>
      tokenVerifierFor(secret, { jwksFile: '/nonexistent', jwksUrl: 'https://idp.example/jwks' }),
    ).toThrow('not both');
    expect(() => tokenVerifierFor(secret, { jwksUrl: 'file:///etc/passwd' })).toThrow('http(s)');
    expect(() => tokenVerifierFor(secret, { jwksFile: join(folder, 'missing.json') })).toThrow(
      'not a readable JSON file',
    );
  });

  it('refuses a JWKS file that holds a private key', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const file = join(folder, 'private.json');
    writeFileSync(file, JSON.stringify({ keys: [await exportJWK(privateKey)] }));
    expect(() => tokenVerifierFor(undefined, { jwksFile: file })).toThrow('private key');
  });

  it('builds a verifier from the public keys of a JWKS file alone', async () => {
    const { publicKey } = await generateKeyPair('ES256');
    const file = join(folder, 'public.json');
    writeFileSync(file, JSON.stringify({ keys: [await exportJWK(publicKey)] }));
    expect(() => tokenVerifierFor(undefined, { jwksFile: file })).not.toThrow();
  });
});
