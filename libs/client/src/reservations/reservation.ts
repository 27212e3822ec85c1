import {
  AMOUNT_MICRO_MAX,
  BillingApiComponents,
  instantMsOf,
  parseMicro,
  RESERVATION_ID_PATTERN,
} from '@tally/contracts';
import { InvalidInputError } from '../messages/invalid-input.error';

export type ReservationStatus = BillingApiComponents['schemas']['Reservation']['status'];

/** A reservation as Tally holds it now (design section 6); amounts in µcr. */
export interface Reservation {
  reservationId: string;
  workspaceId: string;
  status: ReservationStatus;
  amountMicro: bigint;
  spentMicro: bigint;
  /** amount − spent while held (never below zero); 0 once ended. */
  heldMicro: bigint;
  expiresAt: string;
  createdAt: string;
  endedAt: string | null;
}

export interface ReserveRequest {
  /** Chosen by the caller (1–200 of `[A-Za-z0-9._:-]`): the same id again is a replay. */
  reservationId: string;
  /** µcr to hold, above 0. */
  amountMicro: bigint;
  /** Later than now and at most 24 h ahead; default (Tally's) 15 minutes from now. */
  expiresAt?: Date | string;
}

export interface CreditsInsufficient {
  allowed: false;
  code: 'CREDITS_INSUFFICIENT';
  totalAvailableMicro: bigint;
}

export type ReserveResult =
  | {
      allowed: true;
      reservation: Reservation;
      /** True when this reservationId was already held: the reservation as it is now. */
      replayed: boolean;
      /** Total available after the hold; absent on a replay. */
      totalAvailableMicro?: bigint;
    }
  | CreditsInsufficient;

/** The gate's answer (`POST …/credits/check`). */
export interface GateAnswer {
  allowed: boolean;
  status: string;
  totalAvailableMicro: bigint;
}

/** The wire bodies, as the served OpenAPI document types them (libs/contracts/src/http). */
type Schemas = BillingApiComponents['schemas'];
export type ReservationBody = Schemas['Reservation'];
/** Any answer of POST …/reservations: held (201), replayed or refused (200). */
export type ReserveAnswerBody =
  Schemas['ReservationHeld'] | Schemas['ReservationReplayed'] | Schemas['ReservationRefused'];
export type CheckAnswerBody = Schemas['CheckAnswer'];

export function reservationOf(body: unknown): Reservation {
  const wire = body as ReservationBody;
  return {
    reservationId: wire.reservationId,
    workspaceId: wire.workspaceId,
    status: wire.status,
    amountMicro: BigInt(wire.amountMicro),
    spentMicro: BigInt(wire.spentMicro),
    heldMicro: BigInt(wire.heldMicro),
    expiresAt: wire.expiresAt,
    createdAt: wire.createdAt,
    endedAt: wire.endedAt,
  };
}

/** The request's JSON body, refused here when the API would refuse its form. */
export function reserveBodyOf(request: ReserveRequest): Record<string, string> {
  const issues: string[] = [];
  if (!RESERVATION_ID_PATTERN.test(request.reservationId))
    issues.push(
      'reservationId must be 1 to 200 characters of letters, digits, ".", "_", ":" or "-"',
    );
  // "." and ".." are dot segments: HTTP clients collapse them, so the reservation's own URL
  // (…/reservations/..) would name another resource (docs/reservations.md).
  else if (/^\.+$/.test(request.reservationId) && request.reservationId.length <= 2)
    issues.push('reservationId "." or ".." cannot be addressed in a URL: choose another');
  const amount = request.amountMicro.toString();
  if (request.amountMicro <= 0n || parseMicro(amount) === null)
    issues.push(`amountMicro must be an integer above 0 and at most ${AMOUNT_MICRO_MAX} (10^15)`);
  const expiresAt =
    request.expiresAt instanceof Date ? request.expiresAt.toISOString() : request.expiresAt;
  if (expiresAt !== undefined && instantMsOf(expiresAt) === null)
    issues.push('expiresAt must be an ISO 8601 instant with a zone');
  if (issues.length > 0)
    throw new InvalidInputError('VALIDATION_FAILED', issues.join('; '), { issues });
  return {
    reservationId: request.reservationId,
    amountMicro: amount,
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}
