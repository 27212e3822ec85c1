import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Inject,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { WORKSPACE_ID_PATTERN } from '@tally/contracts';
import type { Request } from 'express';
import { BILLING_API_CONFIG, BillingApiConfig } from '../billing-api.config';
import { ApiErrorCode } from '../errors/api-error-code';
import { ApiException } from '../errors/api.exception';
import { InvalidTokenError, verifyHs256 } from './jwt-hs256';
import { ANY_WORKSPACE, Principal, REQUIRED_SCOPE_KEY, Scope } from './scopes';

type AuthenticatedRequest = Request & { principal?: Principal };

// Order of refusals: no or bad token → 401; a malformed workspace id → 400 (it can belong to
// no one, and must never reach SQL); a missing scope or another workspace → 403.
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(BILLING_API_CONFIG) private readonly config: BillingApiConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (scope === undefined) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = this.authenticate(request);
    const rawWorkspaceId: unknown = request.params?.['id'];
    const workspaceId = typeof rawWorkspaceId === 'string' ? rawWorkspaceId : undefined;
    if (
      rawWorkspaceId !== undefined &&
      (workspaceId === undefined || !WORKSPACE_ID_PATTERN.test(workspaceId))
    ) {
      throw new ApiException(
        ApiErrorCode.InvalidWorkspaceId,
        'workspace id must be 1-128 characters of [A-Za-z0-9._:-]',
      );
    }
    if (!principal.scopes.has(scope)) {
      throw new ApiException(
        ApiErrorCode.InsufficientScope,
        `this route needs the ${scope} scope`,
        { required: scope },
      );
    }
    if (
      workspaceId !== undefined &&
      principal.workspaceId !== ANY_WORKSPACE &&
      principal.workspaceId !== workspaceId
    ) {
      throw new ApiException(
        ApiErrorCode.WorkspaceForbidden,
        'this token is for another workspace',
      );
    }
    request.principal = principal;
    return true;
  }

  private authenticate(request: Request): Principal {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header) : null;
    // EventSource cannot send headers: the balance stream also takes ?access_token=.
    const queryToken = request.query?.['access_token'];
    const token = match?.[1] ?? (typeof queryToken === 'string' ? queryToken : undefined);
    if (token === undefined)
      throw new ApiException(ApiErrorCode.Unauthenticated, 'missing bearer token');
    let claims: Record<string, unknown>;
    try {
      claims = verifyHs256(token, this.config.jwtSecret);
    } catch (error) {
      if (error instanceof InvalidTokenError)
        throw new ApiException(ApiErrorCode.Unauthenticated, error.message);
      throw error;
    }
    const { workspaceId, scope } = claims;
    if (
      typeof workspaceId !== 'string' ||
      (workspaceId !== ANY_WORKSPACE && !WORKSPACE_ID_PATTERN.test(workspaceId))
    ) {
      throw new ApiException(ApiErrorCode.Unauthenticated, 'token has no valid workspaceId claim');
    }
    if (typeof scope !== 'string')
      throw new ApiException(ApiErrorCode.Unauthenticated, 'token has no scope claim');
    return { workspaceId, scopes: new Set(scope.split(' ').filter((item) => item.length > 0)) };
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
