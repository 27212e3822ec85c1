import * as http from 'node:http';
import * as https from 'node:https';
import {
  isRetryableStatus,
  RETRY_POLICY_DEFAULT,
  retryAfterMsOf,
  retryDelayMs,
  RetryPolicy,
} from './retry-policy';
import { TallyApiError, TallyNetworkError } from './tally-errors';

export interface TallyHttpOptions {
  /** The billing API, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** A bearer token, or a function returning a fresh one for each attempt. */
  token: string | (() => string | Promise<string>);
  retry?: Partial<RetryPolicy>;
  /** One attempt's limit; a timed-out attempt is retried like a network error. Default 10 s. */
  requestTimeoutMs?: number;
  /** How long a kept connection may sit idle before this client closes it. Default 4 s. */
  idleConnectionMs?: number;
}

export const REQUEST_TIMEOUT_MS_DEFAULT = 10_000;
/**
 * Below the 5 s after which a Node server (Tally's API among them) closes an idle connection:
 * the client closes first, so it never sends a call on a connection the server is closing.
 */
export const IDLE_CONNECTION_MS_DEFAULT = 4_000;

export interface HttpAnswer {
  status: number;
  body: unknown;
}

/** One attempt's answer, its body read whole. */
interface RawAnswer {
  status: number;
  statusText: string;
  retryAfter: string | null;
  text: string;
}

/**
 * JSON over HTTP(S) with retries. Every call this client makes is idempotent (a reservation by
 * its reservationId, a release, a read, the gate, a publish by each eventId), so a network
 * error, a 5xx or a 429 is retried with backoff; any other 4xx is a TallyApiError at once.
 *
 * Calls go through `node:http` with a keep-alive agent of this client's own rather than `fetch`:
 * a spender calls the gate and reserves on its hot path, and fetch costs it 2–3 times the CPU
 * of a plain request (docs/benchmarks.md). Idle connections do not keep the process alive;
 * `close()` drops them at once.
 */
export class TallyHttp {
  private readonly policy: RetryPolicy;
  private readonly baseUrl: URL;
  private readonly agent: http.Agent;

  constructor(private readonly options: TallyHttpOptions) {
    this.policy = { ...RETRY_POLICY_DEFAULT, ...options.retry };
    if (this.policy.attemptsMax < 1) throw new Error('retry.attemptsMax must be at least 1');
    this.baseUrl = new URL(options.baseUrl.replace(/\/+$/, ''));
    if (this.baseUrl.protocol !== 'http:' && this.baseUrl.protocol !== 'https:')
      throw new Error(`baseUrl must be http: or https:, not ${this.baseUrl.protocol}`);
    // The agent's timeout closes a connection idle in its pool (a busy one has the call's own).
    const agentOptions = {
      keepAlive: true,
      timeout: options.idleConnectionMs ?? IDLE_CONNECTION_MS_DEFAULT,
    };
    this.agent =
      this.baseUrl.protocol === 'https:'
        ? new https.Agent(agentOptions)
        : new http.Agent(agentOptions);
  }

  async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpAnswer> {
    for (let attempt = 1; ; attempt += 1) {
      const last = attempt >= this.policy.attemptsMax;
      let answer: RawAnswer;
      try {
        answer = await this.attempt(method, path, body);
      } catch (error) {
        if (last)
          throw new TallyNetworkError(
            `${method} ${path} failed after ${attempt} attempt(s): ${(error as Error).message}`,
            attempt,
            { cause: error },
          );
        await sleep(retryDelayMs(attempt, this.policy, Math.random()));
        continue;
      }
      if (answer.status >= 200 && answer.status < 300)
        return { status: answer.status, body: bodyOf(answer.text) };
      if (last || !isRetryableStatus(answer.status)) throw apiErrorOf(answer, attempt);
      const retryAfterMs = retryAfterMsOf(answer.retryAfter, Date.now());
      await sleep(retryDelayMs(attempt, this.policy, Math.random(), retryAfterMs));
    }
  }

  /** Closes the idle connections; a call made after this opens new ones. */
  close(): void {
    this.agent.destroy();
  }

  private async attempt(method: string, path: string, body: unknown): Promise<RawAnswer> {
    const token =
      typeof this.options.token === 'string' ? this.options.token : await this.options.token();
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const timeoutMs = this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT;
    const send = this.baseUrl.protocol === 'https:' ? https.request : http.request;
    const url = new URL(`${this.baseUrl.pathname.replace(/\/$/, '')}${path}`, this.baseUrl);
    return await new Promise<RawAnswer>((resolve, reject) => {
      // One limit for the whole attempt, the body's reading included (as fetch's signal had it).
      const timer = setTimeout(
        () => call.destroy(new Error(`no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const fail = (error: Error): void => {
        clearTimeout(timer);
        reject(error);
      };
      const call = send(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': payload.length }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', fail);
          response.on('end', () => {
            clearTimeout(timer);
            resolve({
              status: response.statusCode ?? 0,
              statusText: response.statusMessage ?? '',
              retryAfter: headerOf(response.headers['retry-after']),
              text: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      call.on('error', fail);
      call.end(payload);
    });
  }
}

function headerOf(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function bodyOf(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function apiErrorOf(answer: RawAnswer, attempts: number): TallyApiError {
  const body = bodyOf(answer.text) as { code?: unknown; message?: unknown; details?: unknown };
  const isObject = typeof body === 'object' && body !== null;
  return new TallyApiError(
    answer.status,
    isObject && typeof body.code === 'string' ? body.code : `HTTP_${answer.status}`,
    isObject && typeof body.message === 'string' ? body.message : answer.statusText,
    isObject ? (body.details ?? null) : body,
    attempts,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
