import type { CreditsEnvelope } from './messages/envelopes';
import { TallyApiError } from './http/tally-errors';
import { TallyHttp, TallyHttpOptions } from './http/tally-http';
import type { CreditsPublisher, PublishResult } from './publishing/credits-publisher';
import { InvalidInputError } from './messages/invalid-input.error';
import { HttpCreditsPublisher } from './publishing/http-credits-publisher';
import {
  CheckAnswerBody,
  GateAnswer,
  Reservation,
  reservationOf,
  ReserveAnswerBody,
  ReserveRequest,
  ReserveResult,
  reserveBodyOf,
} from './reservations/reservation';
import {
  ReservationWork,
  runWithReservation,
  WithReservationResult,
} from './reservations/with-reservation';

export interface CreditsClientOptions extends TallyHttpOptions {
  /** Where messages go; default HTTP (`POST /v1/events`) with the same base URL and token. */
  publisher?: CreditsPublisher;
}

/**
 * The billing API for a service that spends credits: the gate, reservations, and publishing
 * what ran. The token needs `credits:read` and `credits:reserve`, and `events:write` when
 * publishing over HTTP. Every call is idempotent and retried (see TallyHttp).
 */
export class CreditsClient {
  readonly publisher: CreditsPublisher;
  private readonly http: TallyHttp;

  constructor(options: CreditsClientOptions) {
    this.http = new TallyHttp(options);
    this.publisher = options.publisher ?? new HttpCreditsPublisher(this.http);
  }

  /** Drops this client's idle connections; a publisher passed in is the caller's to close. */
  close(): void {
    this.http.close();
  }

  publish(messages: readonly CreditsEnvelope[]): Promise<PublishResult> {
    return this.publisher.publish(messages);
  }

  /** The gate: is at least `requiredMicro` (default: anything above 0) available? */
  async check(workspaceId: string, requiredMicro?: bigint): Promise<GateAnswer> {
    const body = requiredMicro === undefined ? {} : { requiredMicro: requiredMicro.toString() };
    const answer = await this.http.request('POST', `${creditsPath(workspaceId)}/check`, body);
    const gate = answer.body as CheckAnswerBody;
    return {
      allowed: gate.allowed,
      status: gate.status,
      totalAvailableMicro: BigInt(gate.totalAvailableMicro),
    };
  }

  /**
   * Holds `amountMicro` in one atomic step. Not enough available is a result
   * (`allowed: false, code: 'CREDITS_INSUFFICIENT'`), not an exception; the same id with
   * another amount throws TallyApiError `RESERVATION_CONFLICT` (409).
   */
  async reserve(workspaceId: string, request: ReserveRequest): Promise<ReserveResult> {
    const answer = await this.http.request(
      'POST',
      `${creditsPath(workspaceId)}/reservations`,
      reserveBodyOf(request),
    );
    const body = answer.body as ReserveAnswerBody;
    if (!body.allowed)
      return {
        allowed: false,
        code: 'CREDITS_INSUFFICIENT',
        totalAvailableMicro: BigInt(body.totalAvailableMicro),
      };
    const reservation = reservationOf(body.reservation);
    if ('replayed' in body) return { allowed: true, reservation, replayed: true };
    return {
      allowed: true,
      reservation,
      replayed: false,
      totalAvailableMicro: BigInt(body.totalAvailableMicro),
    };
  }

  /** Ends a reservation: its unspent hold returns. Idempotent: an ended one comes back unchanged. */
  async release(workspaceId: string, reservationId: string): Promise<Reservation> {
    const answer = await this.http.request(
      'POST',
      `${reservationPath(workspaceId, reservationId)}/release`,
    );
    return reservationOf(answer.body);
  }

  /** The reservation as it is now, or null when this workspace has none by that id. */
  async getReservation(workspaceId: string, reservationId: string): Promise<Reservation | null> {
    try {
      const answer = await this.http.request('GET', reservationPath(workspaceId, reservationId));
      return reservationOf(answer.body);
    } catch (error) {
      if (error instanceof TallyApiError && error.status === 404) return null;
      throw error;
    }
  }

  /**
   * Reserve, run `work`, publish the actions it returns on the reservation (settle), release
   * the rest — releasing on failure too (docs: libs/client/README.md).
   */
  withReservation(
    workspaceId: string,
    request: ReserveRequest,
    work: ReservationWork,
  ): Promise<WithReservationResult> {
    return runWithReservation(this, workspaceId, request, work);
  }
}

function creditsPath(workspaceId: string): string {
  return `/v1/workspaces/${encodeURIComponent(workspaceId)}/credits`;
}

function reservationPath(workspaceId: string, reservationId: string): string {
  // "." and ".." are dot segments every HTTP client collapses: the URL would name another route.
  if (reservationId === '.' || reservationId === '..')
    throw new InvalidInputError(
      'VALIDATION_FAILED',
      `reservation "${reservationId}" cannot be addressed in a URL`,
      { reservationId },
    );
  return `${creditsPath(workspaceId)}/reservations/${encodeURIComponent(reservationId)}`;
}
