import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Inject,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { assertNever, WORKSPACE_ID_PATTERN, WORKSPACE_ID_RULE } from '@tally/contracts';
import type { Request } from 'express';
import { ApiErrorCode } from '../errors/api-error-code';
import { ApiException } from '../errors/api.exception';
import { routeAccessOf } from './route-access';
import { ANY_WORKSPACE, Principal, Scope } from './scopes';
import { InvalidTokenError, KeySetUnavailableError, TokenVerifier } from './token-verifier';

type AuthenticatedRequest = Request & { principal?: Principal };

// The scheme is case-insensitive (RFC 9110); the token itself is checked by the verifier.
const BEARER_HEADER = /^Bearer +(\S+)$/i;

/**
 * Closed by default: a route is reachable only when it says so, with `@Public()` or
 * `@RequireScope(...)`. Order of refusals on a scoped route: no or bad token → 401; a malformed
 * workspace id → 400 (it can belong to no one, and must never reach SQL); a missing scope or
 * another workspace → 403.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TokenVerifier) private readonly tokens: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = routeAccessOf(this.reflector, context.getHandler(), context.getClass());
    switch (access.kind) {
      case 'public':
        return true;
      case 'undeclared':
      case 'conflicting':
        // A route somebody forgot to declare (the route-walk test should have caught it).
        throw new ApiException(
          ApiErrorCode.InsufficientScope,
          'this route is closed: it declares neither @Public nor @RequireScope',
          { required: null },
        );
      case 'scoped':
        break;
      default:
        assertNever(access, 'route access');
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(tokenOf(request, access.acceptsQueryToken));
    authorise(principal, access.scope, request.params?.['id']);
    if (access.allWorkspaces && principal.workspaceId !== ANY_WORKSPACE) {
      throw new ApiException(
        ApiErrorCode.WorkspaceForbidden,
        'this route changes every workspace: it needs a token for all workspaces (*)',
      );
    }
    request.principal = principal;
    return true;
  }

  private async authenticate(token: string | undefined): Promise<Principal> {
    if (token === undefined)
      throw new ApiException(ApiErrorCode.Unauthenticated, 'missing bearer token');
    try {
      return await this.tokens.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError)
        throw new ApiException(ApiErrorCode.Unauthenticated, error.message);
      if (error instanceof KeySetUnavailableError)
        throw new ApiException(
          ApiErrorCode.Unavailable,
          'the identity provider keys could not be fetched; try again shortly',
        );
      throw error;
    }
  }
}

/**
 * The bearer token of the request. `?access_token=` counts only on routes marked
 * `@AcceptQueryToken()` and only without an Authorization header; elsewhere it is ignored.
 */
function tokenOf(request: Request, acceptsQueryToken: boolean): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = BEARER_HEADER.exec(header);
    if (!match)
      throw new ApiException(
        ApiErrorCode.Unauthenticated,
        'Authorization must be "Bearer <token>"',
      );
    return match[1];
  }
  if (!acceptsQueryToken) return undefined;
  const queryToken: unknown = request.query?.['access_token'];
  return typeof queryToken === 'string' ? queryToken : undefined;
}

function authorise(principal: Principal, scope: Scope, rawWorkspaceId: unknown): void {
  const workspaceId = typeof rawWorkspaceId === 'string' ? rawWorkspaceId : undefined;
  if (
    rawWorkspaceId !== undefined &&
    (workspaceId === undefined || !WORKSPACE_ID_PATTERN.test(workspaceId))
  ) {
    throw new ApiException(ApiErrorCode.InvalidWorkspaceId, WORKSPACE_ID_RULE);
  }
  if (!principal.scopes.has(scope)) {
    throw new ApiException(ApiErrorCode.InsufficientScope, `this route needs the ${scope} scope`, {
      required: scope,
    });
  }
  if (
    workspaceId !== undefined &&
    principal.workspaceId !== ANY_WORKSPACE &&
    principal.workspaceId !== workspaceId
  ) {
    throw new ApiException(ApiErrorCode.WorkspaceForbidden, 'this token is for another workspace');
  }
}

/** The authenticated caller (set by AuthGuard). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal)
      throw new Error('assertion failed: CurrentPrincipal on a route without RequireScope');
    return principal;
  },
);
