import type { ActionExecutedEnvelope, CreditsEnvelope } from '../messages/envelopes';
import { InvalidInputError } from '../messages/invalid-input.error';
import {
  actionExecuted,
  ActionExecutedInput,
  aiGenerate,
  AiGenerateInput,
} from '../messages/message-builders';
import type { PublishResult } from '../publishing/credits-publisher';
import type {
  CreditsInsufficient,
  Reservation,
  ReserveRequest,
  ReserveResult,
} from './reservation';

/** What withReservation needs of the client. */
interface ReservationCalls {
  reserve(workspaceId: string, request: ReserveRequest): Promise<ReserveResult>;
  release(workspaceId: string, reservationId: string): Promise<Reservation>;
  publish(messages: readonly CreditsEnvelope[]): Promise<PublishResult>;
}

type OnHold<T> = Omit<T, 'workspaceId' | 'reservationId'>;

/** The held reservation handed to the work, with builders for actions that settle against it. */
export interface ReservationHold {
  readonly workspaceId: string;
  readonly reservationId: string;
  readonly reservation: Reservation;
  /** An ActionExecuted on this workspace and reservation. */
  action(input: OnHold<ActionExecutedInput>): ActionExecutedEnvelope;
  /** An `ai.generate` ActionExecuted on this workspace and reservation. */
  aiGenerate(input: OnHold<AiGenerateInput>): ActionExecutedEnvelope;
}

/** Runs the work; returns the actions it executed, to be published on the reservation. */
export type ReservationWork = (hold: ReservationHold) => Promise<readonly ActionExecutedEnvelope[]>;

/**
 * The reservation id was used before and its hold has ended (released or expired): the work did
 * not run, since nothing holds credits for it. Choose a new id for new work.
 */
export interface ReservationEnded {
  allowed: false;
  code: 'RESERVATION_ENDED';
  reservation: Reservation;
}

export type WithReservationResult =
  | {
      allowed: true;
      /** The reservation once released: `spentMicro` is what the settled actions drew on it. */
      reservation: Reservation;
      actions: readonly ActionExecutedEnvelope[];
      published: PublishResult;
    }
  | CreditsInsufficient
  | ReservationEnded;

/**
 * The work ran but its actions could not be published (`stage: 'publish'`; publish `actions`
 * again, their eventIds make it safe) or the reservation not released (`stage: 'release'`; it
 * expires on its own at expiresAt).
 */
export class SettlementError extends Error {
  constructor(
    readonly stage: 'publish' | 'release',
    readonly actions: readonly ActionExecutedEnvelope[],
    readonly published: PublishResult | null,
    options: { cause: unknown },
  ) {
    const what = stage === 'publish' ? 'publishing its actions' : 'releasing the hold';
    super(
      `the reserved work ran, then ${what} failed: ${(options.cause as Error)?.message}`,
      options,
    );
    this.name = 'SettlementError';
  }
}

export async function runWithReservation(
  client: ReservationCalls,
  workspaceId: string,
  request: ReserveRequest,
  work: ReservationWork,
): Promise<WithReservationResult> {
  const { reservationId } = request;
  const releaseQuietly = () => client.release(workspaceId, reservationId).catch(() => null);
  let reserved: ReserveResult;
  try {
    reserved = await client.reserve(workspaceId, request);
  } catch (error) {
    // The hold may have been stored before the answer was lost.
    await releaseQuietly();
    throw error;
  }
  if (!reserved.allowed) return reserved;
  if (reserved.reservation.status !== 'held')
    return { allowed: false, code: 'RESERVATION_ENDED', reservation: reserved.reservation };
  let actions: readonly ActionExecutedEnvelope[];
  try {
    actions = onReservation(await work(holdOf(reserved.reservation)), workspaceId, reservationId);
  } catch (error) {
    await releaseQuietly();
    throw error;
  }
  let published: PublishResult | null = null;
  try {
    published =
      actions.length === 0 ? { accepted: 0, rejected: [] } : await client.publish(actions);
    const reservation = await client.release(workspaceId, reservationId);
    return { allowed: true, reservation, actions, published };
  } catch (error) {
    if (published === null) await releaseQuietly();
    throw new SettlementError(published === null ? 'publish' : 'release', actions, published, {
      cause: error,
    });
  }
}

function holdOf(reservation: Reservation): ReservationHold {
  const on = { workspaceId: reservation.workspaceId, reservationId: reservation.reservationId };
  return {
    ...on,
    reservation,
    action: (input) => actionExecuted({ ...input, ...on }),
    aiGenerate: (input) => aiGenerate({ ...input, ...on }),
  };
}

/** Actions without a reservationId are put on this one; another workspace or reservation is a bug. */
function onReservation(
  actions: readonly ActionExecutedEnvelope[],
  workspaceId: string,
  reservationId: string,
): ActionExecutedEnvelope[] {
  return actions.map((action) => {
    if (action.type !== 'ActionExecuted' || action.workspaceId !== workspaceId)
      throw new InvalidInputError(
        'VALIDATION_FAILED',
        `the reserved work returned ${action.type} ${action.eventId}, not an ActionExecuted of workspace ${workspaceId}`,
        { eventId: action.eventId },
      );
    if (action.reservationId === reservationId) return action;
    if (action.reservationId !== undefined)
      throw new InvalidInputError(
        'VALIDATION_FAILED',
        `action ${action.eventId} names reservation ${action.reservationId}, not ${reservationId}`,
        { eventId: action.eventId },
      );
    return actionExecuted({ ...action, reservationId });
  });
}
