import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type {
  HeaderObject,
  ReferenceObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ENVELOPE_SCHEMAS } from './envelope-schemas';
import { PRICE_BOOK_SCHEMA } from './request-schemas';
import { RESPONSE_SCHEMAS } from './response-schemas';

const DESCRIPTION = [
  'The HTTP API of Tally, the credits ledger (docs/api.md).',
  'Send `Authorization: Bearer <JWT>`; each operation names the scope it needs (`x-required-scopes`).',
  'Every error body is `{ code, message, details }` (the `ApiError` schema); amounts are decimal strings in µcr.',
].join(' ');

const SCOPES_TEXT =
  'A JWT with `workspaceId` (an id, or `*`) and `scope` (space-separated: credits:read, ' +
  'credits:purchase, credits:admin, credits:reserve, events:write). No scope implies another.';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * An operation with no security requirement is a public route (`@Public()`): it says so with
 * `security: []`. A scoped route got its requirement and `x-required-scopes` from
 * `@RequireScope`; its description names the scope.
 */
const RATE_LIMIT_HEADERS: Record<string, ReferenceObject> = Object.fromEntries(
  ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'].map((name) => [
    name,
    { $ref: `#/components/headers/${name}` },
  ]),
);

const RATE_LIMIT_HEADER_COMPONENTS: Record<string, HeaderObject> = {
  'X-RateLimit-Limit': {
    description: 'requests this client may make per second',
    schema: { type: 'integer', minimum: 1 },
  },
  'X-RateLimit-Remaining': {
    description: 'requests left in this second',
    schema: { type: 'integer', minimum: 0 },
  },
  'X-RateLimit-Reset': {
    description: 'seconds until the count starts again',
    schema: { type: 'integer', minimum: 0 },
  },
};

function completeSecurity(document: OpenAPIObject): void {
  for (const pathItem of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (operation === undefined) continue;
      const scopes = (operation as { 'x-required-scopes'?: string[] })['x-required-scopes'];
      if (scopes === undefined) {
        operation.security = [];
        continue;
      }
      const needs = `Needs the scope ${scopes.map((scope) => `\`${scope}\``).join(', ')}.`;
      operation.description = [operation.description, needs].filter(Boolean).join('\n\n');
      // Routes behind a token are rate limited: each answer let through says how far.
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (!status.startsWith('2') || response === undefined || '$ref' in response) continue;
        response.headers = { ...response.headers, ...RATE_LIMIT_HEADERS };
      }
    }
  }
}

/**
 * The bodies checked by class-validator DTOs refuse unknown fields (the global ValidationPipe's
 * forbidNonWhitelisted): their schemas say so. A body given by a schema of its own (the price
 * book, the bus envelopes, which accept unknown fields by contract) is not a DTO and is left alone.
 */
function closeDtoBodies(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  for (const pathItem of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const body = pathItem[method]?.requestBody;
      const schema =
        body && !('$ref' in body) ? body.content['application/json']?.schema : undefined;
      const name = schema && '$ref' in schema ? schema.$ref.split('/').pop() : undefined;
      const target = name === undefined ? undefined : schemas[name];
      if (target && !('$ref' in target) && target.additionalProperties === undefined)
        target.additionalProperties = false;
    }
  }
}

/** The OpenAPI document /docs and /docs-json serve: every route, its scope and every answer. */
export function createApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Tally billing API')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .setLicense('UNLICENSED', 'https://choosealicense.com/no-permission/')
    .addServer('/', 'The server that serves this document')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: SCOPES_TEXT,
    })
    .addSecurity('accessToken', {
      type: 'apiKey',
      in: 'query',
      name: 'access_token',
      description: 'The same JWT as a query parameter: only on the balance stream (EventSource)',
    })
    .addTag('credits', 'Balance, usage, rollover, statement, the gate, packs and grants')
    .addTag(
      'reservations',
      'Hold credits before work, then settle or release (docs/reservations.md)',
    )
    .addTag('price books', 'Price books as data (docs/pricing.md)')
    .addTag('events', 'Publish bus messages over HTTP')
    .addTag('operations', 'Health and metrics')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    headers: { ...document.components?.headers, ...RATE_LIMIT_HEADER_COMPONENTS },
    schemas: {
      ...document.components?.schemas,
      ...RESPONSE_SCHEMAS,
      PriceBook: PRICE_BOOK_SCHEMA,
      ...ENVELOPE_SCHEMAS,
    },
  };
  completeSecurity(document);
  closeDtoBodies(document);
  return document;
}
