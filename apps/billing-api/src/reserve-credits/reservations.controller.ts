import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { canonicalInstant, instantMsOf, parseMicro } from '@tally/contracts';
import type { SqlClient } from '@tally/event-store';
import {
  CommandOutcome,
  releaseCommand,
  reservationMadeBy,
  reserveCommand,
  ReservationView,
  selectReservation,
  WorkspaceLedger,
} from '@tally/ledger';
import type { Response } from 'express';
import { RequireScope, Scopes } from '../auth/scopes';
import { SQL_CLIENT } from '../billing-api.config';
import { ApiErrorCode } from '../errors/api-error-code';
import { ApiException, fieldsRefused } from '../errors/api.exception';
import { ApiErrors, BODY_ERRORS, WORKSPACE_ERRORS } from '../openapi/api-errors.decorator';
import { schemaRef } from '../openapi/response-schemas';
import { WorkspaceParams } from '../read-credits/read-credits.dto';
import {
  RESERVATION_DURATION_MS_DEFAULT,
  RESERVATION_DURATION_MS_MAX,
  ReservationParams,
  ReserveBody,
} from './reservations.dto';

export type ReserveAnswer =
  | { allowed: true; reservation: ReservationView; totalAvailableMicro: string }
  | { allowed: true; reservation: ReservationView; replayed: true }
  | { allowed: false; code: 'CREDITS_INSUFFICIENT'; totalAvailableMicro: string };

/** The hold's end: the caller's (later than now, at most 24 h ahead) or 15 minutes from now. */
function expiresAtOf(body: ReserveBody, nowMs: number): string {
  if (body.expiresAt === undefined)
    return new Date(nowMs + RESERVATION_DURATION_MS_DEFAULT).toISOString();
  const expiresMs = instantMsOf(body.expiresAt) as number;
  if (expiresMs <= nowMs || expiresMs > nowMs + RESERVATION_DURATION_MS_MAX) {
    throw fieldsRefused(
      ['expiresAt'],
      'expiresAt must be later than now and at most 24 hours ahead',
    );
  }
  return canonicalInstant(body.expiresAt);
}

/**
 * Release takes no fields: no body, or `{}`. A field is refused (400, as unknown fields are on
 * every route) rather than ignored, so a caller who meant something by it learns it does nothing.
 */
function refuseAnyField(body: unknown): void {
  if (body === undefined || (isPlainObject(body) && Object.keys(body).length === 0)) return;
  const fields = isPlainObject(body) ? Object.keys(body) : ['body'];
  throw fieldsRefused(fields, 'release takes no fields: omit the body or send {}');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function outcomeOf(outcomes: CommandOutcome[]): CommandOutcome {
  const [outcome] = outcomes;
  if (outcome === undefined) throw new Error('assertion failed: the ledger returned no outcome');
  return outcome;
}

/**
 * Reserve, then settle (design section 6): the hold is decided by the ledger on its own state
 * and stored before the answer; a new hold's body comes from its event, a replay's from the row
 * the append wrote (docs/reservations.md).
 */
@ApiTags('reservations')
@Controller('v1/workspaces/:id/credits/reservations')
export class ReservationsController {
  constructor(
    private readonly ledger: WorkspaceLedger,
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
  ) {}

  @Post()
  @RequireScope(Scopes.creditsReserve)
  @ApiOperation({
    operationId: 'reserveCredits',
    summary: 'Hold credits before work whose cost is known after it',
  })
  // The example leaves expiresAt out (15 minutes): any fixed instant is soon past, and /docs
  // would fill one in from the schema.
  @ApiBody({
    type: ReserveBody,
    examples: { hold: { value: { reservationId: 'run-42', amountMicro: '75000000' } } },
  })
  @ApiCreatedResponse({ description: 'Held', schema: schemaRef('ReservationHeld') })
  @ApiOkResponse({
    description: 'Replayed (the same id and amount), or refused (allowed: false)',
    schema: { oneOf: [schemaRef('ReservationReplayed'), schemaRef('ReservationRefused')] },
  })
  @ApiErrors(
    ...WORKSPACE_ERRORS,
    ...BODY_ERRORS,
    ApiErrorCode.CommandRejected,
    ApiErrorCode.ReservationConflict,
  )
  async reserve(
    @Param() params: WorkspaceParams,
    @Body() body: ReserveBody,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReserveAnswer> {
    const amountMicro = parseMicro(body.amountMicro) as bigint; // above 0: ReserveBody
    const now = new Date();
    const request = {
      workspaceId: params.id,
      reservationId: body.reservationId,
      amountMicro,
      expiresAt: expiresAtOf(body, now.getTime()),
    };
    const outcome = outcomeOf(
      await this.ledger.execute([reserveCommand(request, now.toISOString())]),
    );
    response.status(200);
    if (outcome.kind === 'rejected') return this.refused(outcome);
    if (outcome.kind === 'duplicate') {
      const reservation = await this.reservation(params.id, body.reservationId);
      if (reservation.amountMicro !== amountMicro.toString()) {
        throw new ApiException(
          ApiErrorCode.ReservationConflict,
          `reservation ${body.reservationId} was made for ${reservation.amountMicro} µcr, not ${amountMicro}`,
          { reservation },
        );
      }
      return { allowed: true, reservation, replayed: true };
    }
    const reserved = outcome.events.find((event) => event.type === 'CreditsReserved');
    if (reserved?.type !== 'CreditsReserved')
      throw new Error('assertion failed: a hold was applied without CreditsReserved');
    response.status(201);
    return {
      allowed: true,
      reservation: reservationMadeBy(reserved),
      totalAvailableMicro: reserved.data.totalAvailableMicro.toString(),
    };
  }

  @Get(':reservationId')
  @RequireScope(Scopes.creditsRead)
  @ApiOperation({ operationId: 'getReservation', summary: 'One reservation' })
  @ApiOkResponse({ description: 'The reservation', schema: schemaRef('Reservation') })
  @ApiErrors(...WORKSPACE_ERRORS, ApiErrorCode.ValidationFailed, ApiErrorCode.NotFound)
  async read(@Param() params: ReservationParams): Promise<ReservationView> {
    return await this.reservation(params.id, params.reservationId);
  }

  /** Ends a held reservation (its unspent hold returns); an ended one is returned unchanged. */
  @Post(':reservationId/release')
  @HttpCode(200)
  @RequireScope(Scopes.creditsReserve)
  @ApiOperation({
    operationId: 'releaseReservation',
    summary: 'End a reservation: its unspent hold returns',
  })
  @ApiOkResponse({
    description: 'The reservation after the release (unchanged if it had ended)',
    schema: schemaRef('Reservation'),
  })
  @ApiErrors(
    ...WORKSPACE_ERRORS,
    ...BODY_ERRORS,
    ApiErrorCode.NotFound,
    ApiErrorCode.CommandRejected,
  )
  @ApiBody({
    required: false,
    description: 'no fields: omit it, or send {}',
    schema: { type: 'object', additionalProperties: false, properties: {} },
  })
  async release(
    @Param() params: ReservationParams,
    @Body() body: unknown,
  ): Promise<ReservationView> {
    refuseAnyField(body);
    await this.reservation(params.id, params.reservationId); // 404 before anything is decided
    const now = new Date().toISOString();
    const outcome = outcomeOf(
      await this.ledger.execute([releaseCommand(params.id, params.reservationId, now)]),
    );
    if (outcome.kind === 'rejected') this.refused(outcome);
    return await this.reservation(params.id, params.reservationId);
  }

  private refused(outcome: Extract<CommandOutcome, { kind: 'rejected' }>): ReserveAnswer {
    if (outcome.code !== 'CREDITS_INSUFFICIENT')
      throw new ApiException(ApiErrorCode.CommandRejected, outcome.message, {
        reason: outcome.code,
      });
    const details = (outcome.details ?? {}) as { totalAvailableMicro?: bigint };
    return {
      allowed: false,
      code: 'CREDITS_INSUFFICIENT',
      totalAvailableMicro: (details.totalAvailableMicro ?? 0n).toString(),
    };
  }

  private async reservation(workspaceId: string, reservationId: string): Promise<ReservationView> {
    const found = await selectReservation(this.sql, workspaceId, reservationId);
    if (found === null)
      throw new ApiException(
        ApiErrorCode.NotFound,
        `no reservation ${reservationId} in workspace ${workspaceId}`,
      );
    return found;
  }
}
