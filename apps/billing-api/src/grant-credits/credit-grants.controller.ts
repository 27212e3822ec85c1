import { randomUUID } from 'node:crypto';
import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { canonicalInstant, formatMicroAsCredits, parseCreditsToMicro } from '@tally/contracts';
import { keyedCommandOf, WorkspaceLedger } from '@tally/ledger';
import type { Response } from 'express';
import { RequireScope, Scopes } from '../auth/scopes';
import { inboundMessageOf } from '../boundary/inbound-message';
import { GrantCreditsBody } from '../buy-credit-pack/credit-pack.dto';
import { statusOfOutcome } from '../buy-credit-pack/ledger-outcome';
import { ApiErrorCode } from '../errors/api-error-code';
import { ApiErrors, BODY_ERRORS, WORKSPACE_ERRORS } from '../openapi/api-errors.decorator';
import { EXAMPLE_FUTURE_INSTANT } from '../openapi/request-schemas';
import { schemaRef } from '../openapi/response-schemas';
import { WorkspaceParams } from '../read-credits/read-credits.dto';

export interface CreditGrantReceipt {
  workspaceId: string;
  reference: string;
  grantType: string;
  credits: string;
  creditsMicro: string;
  expiresAt: string | null;
  replayed: boolean;
}

/** Operator grants through the ledger's one decide-and-append path, idempotent by reference. */
@ApiTags('credits')
@Controller('v1/workspaces/:id/credit-grants')
@RequireScope(Scopes.creditsAdmin)
export class CreditGrantsController {
  constructor(private readonly ledger: WorkspaceLedger) {}

  @Post()
  @ApiOperation({ operationId: 'grantCredits', summary: 'Grant credits, idempotent by reference' })
  @ApiBody({
    type: GrantCreditsBody,
    examples: {
      grant: {
        value: {
          grantType: 'compensation',
          credits: '25',
          reference: 'support-ticket-4711',
          expiresAt: EXAMPLE_FUTURE_INSTANT,
        },
      },
    },
  })
  @ApiCreatedResponse({ description: 'Applied', schema: schemaRef('CreditGrantReceipt') })
  @ApiOkResponse({
    description: 'Already applied (replayed: true)',
    schema: schemaRef('CreditGrantReceipt'),
  })
  @ApiErrors(
    ...WORKSPACE_ERRORS,
    ...BODY_ERRORS,
    ApiErrorCode.CommandRejected,
    ApiErrorCode.IdempotencyConflict,
  )
  async grant(
    @Param() params: WorkspaceParams,
    @Body() body: GrantCreditsBody,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CreditGrantReceipt> {
    const creditsMicro = parseCreditsToMicro(body.credits);
    if (creditsMicro === null) throw new Error('assertion failed: validated credits did not parse');
    const expiresAt = body.expiresAt === undefined ? undefined : canonicalInstant(body.expiresAt);
    // The request becomes the message an operator tool would publish, is checked by the same
    // parser, and takes the same path.
    const now = new Date().toISOString();
    const message = inboundMessageOf({
      type: 'CreditsGranted',
      eventId: randomUUID(),
      schemaVersion: 1,
      occurredAt: now,
      workspaceId: params.id,
      grantType: body.grantType,
      credits: body.credits,
      reference: body.reference,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    });
    const [outcome] = await this.ledger.execute([keyedCommandOf(message, now)]);
    const { status, replayed } = statusOfOutcome(outcome);
    response.status(status);
    return {
      workspaceId: params.id,
      reference: body.reference,
      grantType: body.grantType,
      credits: formatMicroAsCredits(creditsMicro),
      creditsMicro: creditsMicro.toString(),
      expiresAt: expiresAt ?? null,
      replayed,
    };
  }
}
