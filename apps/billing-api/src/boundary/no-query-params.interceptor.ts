import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { QUERY_TOKEN_KEY } from '../auth/route-access';
import { fieldsRefused } from '../errors/api.exception';

const QUERY_ARGUMENT = `${RouteParamtypes.QUERY}:`;

/** Whether the route handler declares a `@Query()` argument. */
function declaresQuery(context: ExecutionContext): boolean {
  const argumentsOf = (Reflect.getMetadata(
    ROUTE_ARGS_METADATA,
    context.getClass(),
    context.getHandler().name,
  ) ?? {}) as Record<string, unknown>;
  return Object.keys(argumentsOf).some((key) => key.startsWith(QUERY_ARGUMENT));
}

/**
 * One rule for query parameters on every API route (`/v1/…`): an unknown one is a 400 naming
 * it. Routes with a query DTO refuse unknown fields through ValidationPipe; this refuses any on
 * the routes that take none, where they would otherwise be ignored (a misspelt `?limt=` says so
 * everywhere). The balance stream takes `access_token` (EventSource sends no headers); the
 * billing page, /health and /metrics are not API routes.
 */
@Injectable()
export class NoQueryParamsInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    if (
      context.getType() === 'http' &&
      request.path.startsWith('/v1/') &&
      !declaresQuery(context)
    ) {
      const tokenName =
        this.reflector.get<boolean | undefined>(QUERY_TOKEN_KEY, context.getHandler()) === true
          ? 'access_token'
          : null;
      const names = Object.keys(request.query ?? {}).filter((name) => name !== tokenName);
      if (names.length > 0) {
        const message = 'not a query parameter of this route';
        throw fieldsRefused(names, message, `${message}: ${names.join(', ')}`);
      }
    }
    return next.handle();
  }
}
