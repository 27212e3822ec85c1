import { SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { REQUIRED_SCOPE_KEY, Scope } from './scopes';

export const PUBLIC_ROUTE_KEY = 'tally:public-route';
export const QUERY_TOKEN_KEY = 'tally:query-token';
export const ALL_WORKSPACES_KEY = 'tally:all-workspaces';

/** Reachable without a token (health, metrics, the billing page's static files). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE_KEY, true);

/**
 * The route also takes its token as `?access_token=`. Only for the balance stream: EventSource
 * cannot send headers. Anywhere else a token in the URL would end up in access logs, proxies
 * and browser history, so the guard ignores it (and the route refuses it as an unknown query
 * parameter: NoQueryParamsInterceptor).
 */
export const AcceptQueryToken = (): MethodDecorator => SetMetadata(QUERY_TOKEN_KEY, true);

/**
 * The route changes every workspace at once (publishing a price book): only a token for all
 * workspaces (`*`, service and operator tokens) may call it, whatever its scopes.
 */
export const RequireAllWorkspaces = (): MethodDecorator => SetMetadata(ALL_WORKSPACES_KEY, true);

/** What a route declares about who may call it. `undeclared` is refused: closed by default. */
export type RouteAccess =
  | { kind: 'public' }
  | { kind: 'scoped'; scope: Scope; acceptsQueryToken: boolean; allWorkspaces: boolean }
  | { kind: 'undeclared' }
  | { kind: 'conflicting' };

/** A handler or controller class, as Nest's Reflector takes them. */
type RouteTarget = Parameters<Reflector['get']>[1];

export function routeAccessOf(
  reflector: Reflector,
  handler: RouteTarget,
  controller: RouteTarget,
): RouteAccess {
  const targets = [handler, controller];
  const isPublic =
    reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE_KEY, targets) === true;
  const scope = reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE_KEY, targets);
  if (isPublic && scope !== undefined) return { kind: 'conflicting' };
  if (isPublic) return { kind: 'public' };
  if (scope === undefined) return { kind: 'undeclared' };
  const acceptsQueryToken = reflector.get<boolean | undefined>(QUERY_TOKEN_KEY, handler) === true;
  const allWorkspaces = reflector.get<boolean | undefined>(ALL_WORKSPACES_KEY, handler) === true;
  return { kind: 'scoped', scope, acceptsQueryToken, allWorkspaces };
}
