import type { NextFunction, Request, Response } from 'express';
import { ApiErrorCode } from '../errors/api-error-code';
import { ApiException } from '../errors/api.exception';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export const NOT_AN_OBJECT_TYPE = 'entity.not-object';

/** Thrown from body-parser's verify hook; body-parser keeps the status and the type. */
class NotUtf8Error extends Error {
  readonly status = 415;
  readonly type = 'encoding.not-utf8';
}

/** Valid JSON whose top level is not an object or array (body-parser would call it unparsable). */
class NotAnObjectError extends Error {
  readonly status = 400;
  readonly type = NOT_AN_OBJECT_TYPE;
}

const OPENS_OBJECT_OR_ARRAY = /^[\s]*[[{]/;

/**
 * body-parser's `verify` hook: JSON bodies are UTF-8 (RFC 8259). A body declared in another
 * charset, or whose bytes do not decode, is refused before it is parsed; so is valid JSON that
 * is not an object or array (null, 42, "text"), as a body of the wrong shape, not bad JSON.
 */
export function verifyJsonBody(
  _request: Request,
  _response: Response,
  body: Buffer,
  encoding: string,
): void {
  if (encoding.toLowerCase() !== 'utf-8')
    throw new NotUtf8Error(`request body must be UTF-8, not ${encoding}`);
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new NotUtf8Error('request body is not valid UTF-8');
  }
  if (text.length === 0 || OPENS_OBJECT_OR_ARRAY.test(text)) return;
  try {
    JSON.parse(text);
  } catch {
    return; // not JSON at all: body-parser says so
  }
  throw new NotAnObjectError('the request body must be a JSON object');
}

const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE']);

/**
 * body-parser's `type` test: a JSON body of a method that takes one. A body sent with GET (no
 * route reads one; RFC 9110 gives it no meaning) is left unread, so it can neither fail a read
 * route nor answer with a status that route does not document. An empty body (Content-Length: 0)
 * is no body, whatever its Content-Type says (body-parser would make it `{}`).
 */
export function isJsonBodyToRead(request: Request): boolean {
  return (
    !BODYLESS_METHODS.has(request.method) &&
    request.headers['content-length'] !== '0' &&
    Boolean(request.is('application/json'))
  );
}

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
