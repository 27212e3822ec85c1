import type { KeyedCommand } from './workspace-ledger';

// The commands that no message on the bus carries: reservations come over HTTP only (design
// section 6) and expiries from the deadline scheduler. Each has the key its effect happens once
// by, scoped by workspace like every other (idempotency-key.ts).

export interface ReserveRequest {
  workspaceId: string;
  reservationId: string;
  amountMicro: bigint;
  /** Canonical instant after `processedAt`. */
  expiresAt: string;
}

/** A reservation id is used once: the same id again is a replay, whatever became of the hold. */
export function reserveCommand(request: ReserveRequest, processedAt: string): KeyedCommand {
  return {
    command: {
      type: 'Reserve',
      commandId: request.reservationId,
      workspaceId: request.workspaceId,
      occurredAt: processedAt,
      processedAt,
      reservationId: request.reservationId,
      amountMicro: request.amountMicro,
      expiresAt: request.expiresAt,
    },
    idempotencyKey: `${request.workspaceId}/reservation/${request.reservationId}`,
  };
}

export function releaseCommand(
  workspaceId: string,
  reservationId: string,
  processedAt: string,
): KeyedCommand {
  return {
    command: {
      type: 'ReleaseReservation',
      commandId: `${reservationId}/release`,
      workspaceId,
      occurredAt: processedAt,
      processedAt,
      reservationId,
    },
    idempotencyKey: `${workspaceId}/reservation/${reservationId}/release`,
  };
}

/** What time alone decides for a workspace by `processedAt` (lapsed grants and holds). */
export function expireDueCommand(workspaceId: string, processedAt: string): KeyedCommand {
  return {
    command: {
      type: 'ExpireDue',
      commandId: `expire/${processedAt}`,
      workspaceId,
      occurredAt: processedAt,
      processedAt,
    },
    idempotencyKey: `${workspaceId}/expire/${processedAt}`,
  };
}
