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
}

export const REQUEST_TIMEOUT_MS_DEFAULT = 10_000;

export interface HttpAnswer {
  status: number;
  body: unknown;
}

/**
 * JSON over fetch with retries. Every call this client makes is idempotent (a reservation by
 * its reservationId, a release, a read, the gate, a publish by each eventId), so a network
 * error, a 5xx or a 429 is retried with backoff; any other 4xx is a TallyApiError at once.
 */
export class TallyHttp {
  private readonly policy: RetryPolicy;
  private readonly baseUrl: string;

  constructor(private readonly options: TallyHttpOptions) {
    this.policy = { ...RETRY_POLICY_DEFAULT, ...options.retry };
    if (this.policy.attemptsMax < 1) throw new Error('retry.attemptsMax must be at least 1');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpAnswer> {
    for (let attempt = 1; ; attempt += 1) {
      const last = attempt >= this.policy.attemptsMax;
      let response: Response;
      try {
        response = await this.attempt(method, path, body);
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
      if (response.ok) return { status: response.status, body: await bodyOf(response) };
      if (last || !isRetryableStatus(response.status)) throw await apiErrorOf(response, attempt);
      await response.body?.cancel();
      const retryAfterMs = retryAfterMsOf(response.headers.get('retry-after'), Date.now());
      await sleep(retryDelayMs(attempt, this.policy, Math.random(), retryAfterMs));
    }
  }

  private async attempt(method: string, path: string, body: unknown): Promise<Response> {
    const token =
      typeof this.options.token === 'string' ? this.options.token : await this.options.token();
    return await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT),
    });
  }
}

async function bodyOf(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function apiErrorOf(response: Response, attempts: number): Promise<TallyApiError> {
  const body = (await bodyOf(response)) as { code?: unknown; message?: unknown; details?: unknown };
  const isObject = typeof body === 'object' && body !== null;
  return new TallyApiError(
    response.status,
    isObject && typeof body.code === 'string' ? body.code : `HTTP_${response.status}`,
    isObject && typeof body.message === 'string' ? body.message : response.statusText,
    isObject ? (body.details ?? null) : body,
    attempts,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
