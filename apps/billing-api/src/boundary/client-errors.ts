import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { API_ERROR_STATUS, ApiErrorCode } from '../errors/api-error-code';

// Node's HTTP parser refuses some requests before the app sees them (a raw non-ASCII byte in
// the request target, a head over 16 KiB) and would answer with a bare status line. This gives
// those answers the API's error body too, so every 4xx a client can receive has one shape.
const HEAD_TOO_LARGE = 'HPE_HEADER_OVERFLOW';

function answer(
  socket: Duplex,
  code: ApiErrorCode.MalformedRequest | ApiErrorCode.HeadersTooLarge,
  message: string,
): void {
  const status = API_ERROR_STATUS[code];
  const body = JSON.stringify({ code, message, details: null });
  const reason = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Answers requests Node's parser refuses with `{ code, message, details }` instead of a bare status. */
export function answerClientErrorsAsJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    if (error.code === HEAD_TOO_LARGE)
      answer(socket, ApiErrorCode.HeadersTooLarge, 'request head is too large');
    else answer(socket, ApiErrorCode.MalformedRequest, 'the request is not valid HTTP');
  });
}
