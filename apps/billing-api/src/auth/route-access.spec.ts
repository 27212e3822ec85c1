import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { BILLING_API_CONTROLLERS } from '../billing-api.module';
import { routeAccessOf } from './route-access';

// The scope table of docs/security.md: who may call what. A route not built yet is simply not found below; a
// registered route missing from this table fails the test, so a new one needs a line here.
const DESIGN_ACCESS: Record<string, string> = {
  'GET /v1/workspaces/:id/credits': 'credits:read',
  'GET /v1/workspaces/:id/credits/usage': 'credits:read',
  'GET /v1/workspaces/:id/credits/rollover': 'credits:read',
  'GET /v1/workspaces/:id/credits/ledger': 'credits:read',
  'GET /v1/workspaces/:id/credits/stream': 'credits:read + ?access_token=',
  'POST /v1/workspaces/:id/credits/check': 'credits:read',
  'POST /v1/workspaces/:id/credit-packs': 'credits:purchase',
  'POST /v1/workspaces/:id/credit-grants': 'credits:admin',
  'POST /v1/events': 'events:write',
  'POST /v1/workspaces/:id/credits/reservations': 'credits:reserve',
  'GET /v1/workspaces/:id/credits/reservations/:reservationId': 'credits:read',
  'POST /v1/workspaces/:id/credits/reservations/:reservationId/release': 'credits:reserve',
  'GET /v1/price-book': 'credits:read',
  'POST /v1/price-books': 'credits:admin',
  'GET /health': 'public',
  'GET /metrics': 'public',
  'GET /billing': 'public',
  'GET /billing/billing.css': 'public',
  'GET /billing/modules/:name': 'public',
  'GET /billing/pack-sizes.json': 'public',
};

function joinPath(...parts: (string | undefined)[]): string {
  const segments = parts
    .flatMap((part) => (part ?? '').split('/'))
    .filter((segment) => segment !== '');
  return `/${segments.join('/')}`;
}

/** Every route the API registers, as "METHOD /path" with the access it declares. */
function registeredRoutes(): Map<string, string> {
  const reflector = new Reflector();
  const routes = new Map<string, string>();
  for (const controller of BILLING_API_CONTROLLERS) {
    const prefix = Reflect.getMetadata(PATH_METADATA, controller) as string | undefined;
    const prototype = controller.prototype as unknown as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      const access = routeAccessOf(reflector, handler, controller);
      const declared =
        access.kind === 'scoped'
          ? `${access.scope}${access.acceptsQueryToken ? ' + ?access_token=' : ''}`
          : access.kind;
      routes.set(`${RequestMethod[method]} ${joinPath(prefix, path)}`, declared);
    }
  }
  return routes;
}

describe('every route declares who may call it', () => {
  const routes = registeredRoutes();

  it('finds the routes of every controller', () => {
    expect(routes.size).toBeGreaterThanOrEqual(14);
    for (const route of [
      'GET /health',
      'GET /billing',
      'GET /v1/workspaces/:id/credits/stream',
      'POST /v1/events',
    ])
      expect(routes.has(route)).toBe(true);
  });

  it('each registered route is either @Public or @RequireScope, never neither or both', () => {
    const undeclared = [...routes].filter(
      ([, access]) => access === 'undeclared' || access === 'conflicting',
    );
    expect(undeclared).toEqual([]);
  });

  it('each route has the access docs/security.md lists, and only the stream takes ?access_token=', () => {
    for (const [route, access] of routes)
      expect({ route, access }).toEqual({ route, access: DESIGN_ACCESS[route] });
  });
});
