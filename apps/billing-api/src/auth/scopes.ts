import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';

/** The scopes of the HTTP API (docs/security.md); a token's `scope` claim is a space-separated list of them. */
export const Scopes = {
  creditsRead: 'credits:read',
  creditsPurchase: 'credits:purchase',
  creditsAdmin: 'credits:admin',
  creditsReserve: 'credits:reserve',
  eventsWrite: 'events:write',
} as const;

export type Scope = (typeof Scopes)[keyof typeof Scopes];

export const REQUIRED_SCOPE_KEY = 'tally:required-scope';

/**
 * The scope a route requires. A route is reachable only with this or `@Public()` (see
 * route-access.ts); the guard refuses any other. The OpenAPI document gets the same: a bearer
 * requirement and `x-required-scopes`, so the document cannot name another scope than the guard.
 */
export const RequireScope = (scope: Scope): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(REQUIRED_SCOPE_KEY, scope),
    ApiBearerAuth(),
    ApiExtension('x-required-scopes', [scope]),
  );

/** Who called: a workspace id or `*` (service and operator tokens), the granted scopes, and
 * when the token stops being valid (a stream opened with it ends then). */
export interface Principal {
  workspaceId: string;
  scopes: ReadonlySet<string>;
  expiresAtMs: number;
}

export const ANY_WORKSPACE = '*';
