import { SetMetadata } from '@nestjs/common';

export const Scopes = {
  creditsRead: 'credits:read',
  creditsPurchase: 'credits:purchase',
  creditsAdmin: 'credits:admin',
  eventsWrite: 'events:write',
} as const;

export type Scope = (typeof Scopes)[keyof typeof Scopes];

export const REQUIRED_SCOPE_KEY = 'tally:required-scope';

/** The scope a route requires; routes without it are public (health, metrics, docs). */
export const RequireScope = (scope: Scope): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_SCOPE_KEY, scope);

/** Who called: a workspace id or `*` (service and operator tokens), and the granted scopes. */
export interface Principal {
  workspaceId: string;
  scopes: ReadonlySet<string>;
}

export const ANY_WORKSPACE = '*';
