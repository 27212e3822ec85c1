import { InvalidTokenError, signHs256, verifyHs256 } from './jwt-hs256';

const secret = 'a-test-secret-of-enough-length';
const now = 1_800_000_000;

describe('HS256 tokens', () => {
  it('returns the claims of a token signed with the secret', () => {
    const token = signHs256({ workspaceId: 'ws-1', scope: 'credits:read', exp: now + 60 }, secret);
    expect(verifyHs256(token, secret, now)).toEqual({
      workspaceId: 'ws-1',
      scope: 'credits:read',
      exp: now + 60,
    });
  });

  it('refuses a token signed with another secret, a tampered payload and alg none', () => {
    const token = signHs256({ workspaceId: 'ws-1', scope: 'credits:read' }, secret);
    expect(() => verifyHs256(token, 'another-secret-entirely', now)).toThrow(InvalidTokenError);
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ workspaceId: '*', scope: 'credits:admin' }),
    ).toString('base64url');
    expect(() => verifyHs256(`${header}.${forged}.${signature}`, secret, now)).toThrow(
      InvalidTokenError,
    );
    const none = Buffer.from('{"alg":"none"}').toString('base64url');
    expect(() => verifyHs256(`${none}.${forged}.`, secret, now)).toThrow('HS256');
  });

  it('refuses an expired token and one not valid yet, beyond the clock skew', () => {
    expect(() => verifyHs256(signHs256({ exp: now - 31 }, secret), secret, now)).toThrow('expired');
    expect(() => verifyHs256(signHs256({ nbf: now + 31 }, secret), secret, now)).toThrow(
      'not valid yet',
    );
    expect(verifyHs256(signHs256({ exp: now - 10 }, secret), secret, now)).toEqual({
      exp: now - 10,
    });
  });

  it('refuses malformed tokens without throwing anything else', () => {
    for (const token of ['', 'a.b', 'a.b.c', '...', 'x'.repeat(9_000)]) {
      expect(() => verifyHs256(token, secret, now)).toThrow(InvalidTokenError);
    }
  });
});
