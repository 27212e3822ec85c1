import type { NextFunction, Request, Response } from 'express';
import { ApiErrorCode } from '../errors/api-error-code';
import { ApiException } from '../errors/api.exception';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Thrown from body-parser's verify hook; body-parser keeps the status and the type. */
class NotUtf8Error extends Error {
  readonly status = 415;
  readonly type = 'encoding.not-utf8';
}

/**
 * body-parser's `verify` hook: JSON bodies are UTF-8 (RFC 8259). A body declared in another
 * charset, or whose bytes do not decode, is refused before it is parsed.
 */
export function verifyUtf8Body(
  _request: Request,
  _response: Response,
  body: Buffer,
  encoding: string,
): void {
  if (encoding.toLowerCase() !== 'utf-8')
    throw new NotUtf8Error(`request body must be UTF-8, not ${encoding}`);
  try {
    utf8.decode(body);
  } catch {
    throw new NotUtf8Error('request body is not valid UTF-8');
  }
}

const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);

/**
 * Every request body is JSON. Without this, a body sent as text/plain is never parsed and
 * reaches the handler as an empty object.
 */
export function requireJsonContentType(
  request: Request,
  _response: Response,
  next: NextFunction,
): void {
  const length = request.headers['content-length'];
  const hasBody =
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (
    BODYLESS_METHODS.has(request.method) ||
    !hasBody ||
    request.is('application/json') === 'application/json'
  ) {
    next();
    return;
  }
  next(
    new ApiException(ApiErrorCode.UnsupportedMediaType, 'request body must be application/json', {
      contentType: request.headers['content-type'] ?? null,
    }),
  );
}
