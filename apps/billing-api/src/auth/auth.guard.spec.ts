import { Controller, Get, Sse } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { generateKeyPair, JWTVerifyGetKey, SignJWT } from 'jose';
import { ApiErrorCode } from '../errors/api-error-code';
import { ApiException } from '../errors/api.exception';
import { AuthGuard } from './auth.guard';
import { AcceptQueryToken, Public } from './route-access';
import { RequireScope, Scopes } from './scopes';
import { signToken } from './sign-token';
import { TokenVerifier } from './token-verifier';

const secret = 'a-test-secret-of-enough-length';

@Controller('forgotten')
class UndeclaredController {
  @Get()
  read(): void {}
}

@Public()
@Controller('open')
class PublicController {
  @Get()
  page(): void {}
}

@Controller('v1/workspaces/:id/credits')
@RequireScope(Scopes.creditsRead)
class ScopedController {
  @Get()
  balance(): void {}

  @Sse('stream')
  @AcceptQueryToken()
  stream(): void {}
}

interface FakeRequest {
  headers: Record<string, string>;
  query: Record<string, string>;
  params: Record<string, string>;
}

function guard(keySet?: JWTVerifyGetKey): AuthGuard {
  return new AuthGuard(
    new Reflector(),
    new TokenVerifier({ secret, keySet, lifetimeMaxSeconds: 3_600 }),
  );
}

function request(token?: { header?: string; query?: string }): FakeRequest {
  return {
    headers: token?.header === undefined ? {} : { authorization: token.header },
    query: token?.query === undefined ? {} : { access_token: token.query },
    params: { id: 'ws-1' },
  };
}

/** The guard's answer for one handler: 'allowed' or the code it refused with. */
async function outcome(
  controller: new () => object,
  handler: string,
  incoming: FakeRequest,
  authGuard = guard(),
): Promise<string> {
  const method = (controller.prototype as Record<string, () => void>)[handler] as () => void;
  const context = new ExecutionContextHost([incoming, {}], controller as never, method);
  try {
    return (await authGuard.canActivate(context)) ? 'allowed' : 'denied';
  } catch (error) {
    if (error instanceof ApiException) return error.code;
    throw error;
  }
}

const readToken = (): Promise<string> =>
  signToken({ workspaceId: 'ws-1', scope: 'credits:read' }, secret, 600);

describe('the auth guard: closed by default', () => {
  it('a route without @Public or @RequireScope is refused', async () => {
    expect(await outcome(UndeclaredController, 'read', request())).toBe(
      ApiErrorCode.InsufficientScope,
    );
    // Even with a perfectly good token: the route is closed, not merely scoped.
    const header = `Bearer ${await readToken()}`;
    expect(await outcome(UndeclaredController, 'read', request({ header }))).toBe(
      ApiErrorCode.InsufficientScope,
    );
  });

  it('lets anyone reach a @Public route', async () => {
    expect(await outcome(PublicController, 'page', request())).toBe('allowed');
  });

  it('refuses ?access_token= on a non-stream route', async () => {
    const query = await readToken();
    expect(await outcome(ScopedController, 'balance', request({ query }))).toBe(
      ApiErrorCode.Unauthenticated,
    );
    expect(await outcome(ScopedController, 'balance', request({ header: `Bearer ${query}` }))).toBe(
      'allowed',
    );
  });

  it('accepts ?access_token= on the route marked for it, and puts the principal on the request', async () => {
    const incoming = request({ query: await readToken() });
    expect(await outcome(ScopedController, 'stream', incoming)).toBe('allowed');
    expect(
      (incoming as FakeRequest & { principal?: { workspaceId: string } }).principal?.workspaceId,
    ).toBe('ws-1');
  });

  it('refuses a malformed Authorization header rather than falling back to the query', async () => {
    const token = await readToken();
    for (const header of [`Basic ${token}`, 'Bearer', `Bearer ${token} extra`]) {
      expect(await outcome(ScopedController, 'stream', request({ header, query: token }))).toBe(
        ApiErrorCode.Unauthenticated,
      );
    }
  });

  it('answers 503, not 401, when the identity provider keys cannot be fetched', async () => {
    const unreachable: JWTVerifyGetKey = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ workspaceId: 'ws-1', scope: 'credits:read' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k' })
      .setExpirationTime('5m')
      .sign(privateKey);
    expect(
      await outcome(
        ScopedController,
        'balance',
        request({ header: `Bearer ${token}` }),
        guard(unreachable),
      ),
    ).toBe(ApiErrorCode.Unavailable);
  });

  it('checks scope and workspace after the token', async () => {
    const purchase = await signToken(
      { workspaceId: 'ws-1', scope: 'credits:purchase' },
      secret,
      600,
    );
    expect(
      await outcome(ScopedController, 'balance', request({ header: `Bearer ${purchase}` })),
    ).toBe(ApiErrorCode.InsufficientScope);
    const other = await signToken({ workspaceId: 'ws-2', scope: 'credits:read' }, secret, 600);
    expect(await outcome(ScopedController, 'balance', request({ header: `Bearer ${other}` }))).toBe(
      ApiErrorCode.WorkspaceForbidden,
    );
  });
});
