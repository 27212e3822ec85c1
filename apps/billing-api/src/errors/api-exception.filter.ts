import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { Logger } from '@tally/observability';
import type { Response } from 'express';
import { API_ERROR_STATUS, ApiErrorCode } from './api-error-code';
import { ApiErrorBody, ApiException, fieldsRefused } from './api.exception';
import { NOT_AN_OBJECT_TYPE } from '../boundary/json-body';

const codeOfHttpStatus: Record<number, ApiErrorCode> = {
  400: ApiErrorCode.ValidationFailed,
  401: ApiErrorCode.Unauthenticated,
  403: ApiErrorCode.InsufficientScope,
  404: ApiErrorCode.NotFound,
  413: ApiErrorCode.PayloadTooLarge,
  415: ApiErrorCode.UnsupportedMediaType,
  429: ApiErrorCode.RateLimited,
};

/** Maps anything thrown to `{ code, message, details }` and the status of its code; the one place that does. */
export function errorBodyOf(error: unknown): { status: number; body: ApiErrorBody } {
  if (error instanceof ApiException) {
    return {
      status: API_ERROR_STATUS[error.code],
      body: { code: error.code, message: error.message, details: error.details },
    };
  }
  const bodyParserType = (error as { type?: unknown } | null)?.type;
  if (bodyParserType === 'entity.parse.failed') {
    return errorBodyOf(
      new ApiException(ApiErrorCode.MalformedJson, 'request body is not valid JSON'),
    );
  }
  if (bodyParserType === NOT_AN_OBJECT_TYPE) {
    return errorBodyOf(fieldsRefused(['body'], (error as Error).message));
  }
  if (bodyParserType === 'entity.too.large') {
    return errorBodyOf(
      new ApiException(ApiErrorCode.PayloadTooLarge, 'request body is too large', {
        limitBytes: (error as { limit?: unknown }).limit,
      }),
    );
  }
  if (
    bodyParserType === 'charset.unsupported' ||
    bodyParserType === 'encoding.unsupported' ||
    bodyParserType === 'encoding.not-utf8'
  ) {
    return errorBodyOf(
      new ApiException(
        ApiErrorCode.UnsupportedMediaType,
        (error as Error).message || 'request body must be UTF-8 JSON',
      ),
    );
  }
  if (error instanceof HttpException) {
    // Nest turns body-parser's SyntaxError into a plain 400 before any filter sees it.
    if (error.getStatus() === 400 && /JSON/.test(error.message)) {
      return errorBodyOf(
        new ApiException(
          ApiErrorCode.MalformedJson,
          `request body is not valid JSON: ${error.message}`,
        ),
      );
    }
    const status = error.getStatus();
    if (codeOfHttpStatus[status] !== undefined)
      return errorBodyOf(refusalOf(status, error.message));
  }
  // Express middleware (body-parser on a body that does not match its Content-Encoding, the
  // static files of /docs) raises http-errors with a client status of their own: the caller's
  // fault, so a 4xx with the error body, never a 500.
  const clientStatus = clientStatusOf(error);
  if (clientStatus !== null)
    return errorBodyOf(refusalOf(clientStatus, (error as Error).message || 'bad request'));
  return errorBodyOf(new ApiException(ApiErrorCode.Internal, 'internal error; it was logged'));
}

/**
 * A refusal raised below the routes (Express, body-parser, Nest: a path parameter that is not
 * valid percent-encoding, a body that does not match its Content-Encoding): its code by status,
 * with the details that code documents (VALIDATION_FAILED: one entry, for the request).
 */
function refusalOf(status: number, message: string): ApiException {
  const code = codeOfHttpStatus[status] ?? ApiErrorCode.ValidationFailed;
  return code === ApiErrorCode.ValidationFailed
    ? fieldsRefused(['request'], message)
    : new ApiException(code, message);
}

function clientStatusOf(error: unknown): number | null {
  const { status, statusCode, expose } = (error ?? {}) as {
    status?: unknown;
    statusCode?: unknown;
    expose?: unknown;
  };
  const value = typeof status === 'number' ? status : statusCode;
  return expose === true && typeof value === 'number' && value >= 400 && value < 500 ? value : null;
}

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = errorBodyOf(error);
    if (status >= 500) this.logger.error({ err: error }, 'request failed');
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(status).json(body);
  }
}
