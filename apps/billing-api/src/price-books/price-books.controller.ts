import { Body, Controller, Get, Post, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PriceBookDocument } from '@tally/contracts';
import { PriceBooks, PublishedPriceBook } from '@tally/ledger';
import type { Response } from 'express';
import { RequireAllWorkspaces } from '../auth/route-access';
import { RequireScope, Scopes } from '../auth/scopes';
import { ApiErrorCode } from '../errors/api-error-code';
import { ApiException } from '../errors/api.exception';
import { ApiErrors, AUTH_ERRORS, BODY_ERRORS } from '../openapi/api-errors.decorator';
import { schemaRef } from '../openapi/response-schemas';
import { PRICE_BOOK_EXAMPLE } from '../openapi/request-schemas';

export interface PriceBookVersion {
  version: string;
  effectiveAt: string;
  publishedAt: string;
}

export interface PriceBookView {
  /** The book in force now, as published, with when it was published. */
  current: PriceBookDocument & { publishedAt: string };
  /** Every published version, earliest `effectiveAt` first. */
  versions: PriceBookVersion[];
}

export interface PriceBookReceipt extends PriceBookVersion {
  replayed: boolean;
}

function versionOf(book: PublishedPriceBook): PriceBookVersion {
  const { version, effectiveAt } = book.document;
  return { version, effectiveAt, publishedAt: book.publishedAt };
}

/** Price books as data (design section 7, docs/pricing.md): read the book in force, publish one. */
@ApiTags('price books')
@Controller('v1')
export class PriceBooksController {
  constructor(private readonly priceBooks: PriceBooks) {}

  @Get('price-book')
  @RequireScope(Scopes.creditsRead)
  @ApiOperation({
    operationId: 'getPriceBook',
    summary: 'The price book in force and every version',
  })
  @ApiOkResponse({
    description: 'The book in force now and every published version',
    schema: schemaRef('PriceBookView'),
  })
  @ApiErrors(...AUTH_ERRORS, ApiErrorCode.ValidationFailed)
  async current(): Promise<PriceBookView> {
    const { current, versions } = await this.priceBooks.current();
    return {
      current: { ...current.document, publishedAt: current.publishedAt },
      versions: versions.map(versionOf),
    };
  }

  /** 201 published, 200 the same version with the same content again. */
  @Post('price-books')
  @RequireScope(Scopes.creditsAdmin)
  @RequireAllWorkspaces()
  @ApiOperation({
    operationId: 'publishPriceBook',
    summary: 'Publish a price book version',
    description:
      'Needs a token for all workspaces (`*`): a workspace token gets WORKSPACE_FORBIDDEN.',
  })
  @ApiBody({ schema: schemaRef('PriceBook'), examples: { book: { value: PRICE_BOOK_EXAMPLE } } })
  @ApiCreatedResponse({ description: 'Published', schema: schemaRef('PriceBookReceipt') })
  @ApiOkResponse({
    description: 'The same version with the same content again',
    schema: schemaRef('PriceBookReceipt'),
  })
  @ApiErrors(
    ...AUTH_ERRORS,
    ...BODY_ERRORS,
    ApiErrorCode.WorkspaceForbidden,
    ApiErrorCode.PriceBookRetroactive,
    ApiErrorCode.PriceBookConflict,
  )
  async publish(
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PriceBookReceipt> {
    const outcome = await this.priceBooks.publish(body);
    switch (outcome.kind) {
      case 'invalid':
        throw new ApiException(
          ApiErrorCode.ValidationFailed,
          outcome.errors.map((error) => `${error.field || 'the body'} ${error.message}`).join('; '),
          // VALIDATION_FAILED's one details shape: an entry per field, its messages.
          outcome.errors.map((error) => ({
            path: error.field,
            messages: [`${error.field || 'the body'} ${error.message}`],
          })),
        );
      case 'retroactive':
        throw new ApiException(ApiErrorCode.PriceBookRetroactive, outcome.message);
      case 'conflict':
        throw new ApiException(ApiErrorCode.PriceBookConflict, outcome.message, {
          published: { ...outcome.published.document, publishedAt: outcome.published.publishedAt },
        });
      default:
        response.status(outcome.kind === 'published' ? 201 : 200);
        return { ...versionOf(outcome.book), replayed: outcome.kind === 'replayed' };
    }
  }
}
