import { randomUUID } from 'node:crypto';
import { Body, Controller, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { formatMicroAsCredits, parseCreditsToMicro } from '@tally/contracts';
import { keyedCommandOf, WorkspaceLedger } from '@tally/ledger';
import type { Response } from 'express';
import { RequireScope, Scopes } from '../auth/scopes';
import { BILLING_API_CONFIG, BillingApiConfig } from '../billing-api.config';
import { ApiErrorCode } from '../errors/api-error-code';
import { inboundMessageOf } from '../boundary/inbound-message';
import { ApiException } from '../errors/api.exception';
import { WorkspaceParams } from '../read-credits/read-credits.dto';
import { ApiErrors, BODY_ERRORS, WORKSPACE_ERRORS } from '../openapi/api-errors.decorator';
import { schemaRef } from '../openapi/response-schemas';
import { BuyCreditPackBody } from './credit-pack.dto';
import { statusOfOutcome } from './ledger-outcome';

export interface CreditPackReceipt {
  workspaceId: string;
  paymentRef: string;
  credits: string;
  creditsMicro: string;
  replayed: boolean;
}

/** Packs go through the ledger's one decide-and-append path, idempotent by paymentRef. */
@ApiTags('credits')
@Controller('v1/workspaces/:id/credit-packs')
@RequireScope(Scopes.creditsPurchase)
export class CreditPacksController {
  constructor(
    private readonly ledger: WorkspaceLedger,
    @Inject(BILLING_API_CONFIG) private readonly config: BillingApiConfig,
  ) {}

  @Post()
  @ApiOperation({
    operationId: 'buyCreditPack',
    summary: 'Buy a credit pack, idempotent by paymentRef',
  })
  @ApiCreatedResponse({ description: 'Applied', schema: schemaRef('CreditPackReceipt') })
  @ApiOkResponse({
    description: 'Already applied (replayed: true)',
    schema: schemaRef('CreditPackReceipt'),
  })
  @ApiErrors(
    ...WORKSPACE_ERRORS,
    ...BODY_ERRORS,
    ApiErrorCode.InvalidPackSize,
    ApiErrorCode.CommandRejected,
    ApiErrorCode.IdempotencyConflict,
  )
  async buy(
    @Param() params: WorkspaceParams,
    @Body() body: BuyCreditPackBody,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CreditPackReceipt> {
    const creditsMicro = parseCreditsToMicro(body.credits);
    if (creditsMicro === null || !this.config.packSizesMicro.includes(creditsMicro)) {
      const sizes = this.config.packSizesMicro.map(formatMicroAsCredits);
      throw new ApiException(
        ApiErrorCode.InvalidPackSize,
        `credits must be one of the pack sizes ${sizes.join(', ')}`,
        { packSizes: sizes },
      );
    }
    // The request becomes the message the billing system would publish, is checked by the same
    // parser, and takes the same path.
    const now = new Date().toISOString();
    const message = inboundMessageOf({
      type: 'CreditPackPurchased',
      eventId: randomUUID(),
      schemaVersion: 1,
      occurredAt: now,
      workspaceId: params.id,
      credits: body.credits,
      paymentRef: body.paymentRef,
    });
    const [outcome] = await this.ledger.execute([keyedCommandOf(message, now)]);
    const { status, replayed } = statusOfOutcome(outcome);
    response.status(status);
    return {
      workspaceId: params.id,
      paymentRef: body.paymentRef,
      credits: formatMicroAsCredits(creditsMicro),
      creditsMicro: creditsMicro.toString(),
      replayed,
    };
  }
}
