import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DAY_MS } from '@tally/contracts';
import {
  ProjectionQueries,
  STATEMENT_PAGE_SIZE_DEFAULT,
  StatementPageView,
  UsageBucketView,
  RolloverPeriodView,
  USAGE_RANGE_DAYS_MAX,
} from '@tally/projections';
import { RequireScope, Scopes } from '../auth/scopes';
import { USAGE_RANGE_DAYS_DEFAULT } from '../billing-api.config';
import { ApiErrorCode } from '../errors/api-error-code';
import { fieldsRefused } from '../errors/api.exception';
import { ApiErrors, BODY_ERRORS, WORKSPACE_ERRORS } from '../openapi/api-errors.decorator';
import { schemaRef } from '../openapi/response-schemas';
import { BalanceWithForecast, withForecast } from './balance-forecast';
import {
  CheckCreditsBody,
  StatementQuery,
  usageBoundDayMs,
  UsageQuery,
  WorkspaceParams,
} from './read-credits.dto';

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function validatedDayMs(value: string): number {
  const ms = usageBoundDayMs(value);
  if (ms === null) throw new Error('assertion failed: a validated usage bound did not parse');
  return ms;
}

/** The read side: every answer comes from the projections. */
@ApiTags('credits')
@Controller('v1/workspaces/:id')
@RequireScope(Scopes.creditsRead)
export class ReadCreditsController {
  constructor(private readonly queries: ProjectionQueries) {}

  @Get('credits')
  @ApiOperation({ operationId: 'getBalance', summary: 'The live balance of a workspace' })
  @ApiOkResponse({
    description: 'The balance (no_plan, all "0", before any event)',
    schema: schemaRef('Balance'),
  })
  @ApiErrors(...WORKSPACE_ERRORS)
  async balance(@Param() params: WorkspaceParams): Promise<BalanceWithForecast> {
    return withForecast(this.queries, await this.queries.balance(params.id), Date.now());
  }

  @Get('credits/usage')
  @ApiOperation({
    operationId: 'getUsage',
    summary: 'Usage per UTC day, days without usage omitted',
  })
  @ApiOkResponse({ description: 'The days of [from, to) with usage', schema: schemaRef('Usage') })
  @ApiErrors(...WORKSPACE_ERRORS, ApiErrorCode.ValidationFailed)
  async usage(
    @Param() params: WorkspaceParams,
    @Query() query: UsageQuery,
  ): Promise<{ series: UsageBucketView[] }> {
    const now = Date.now();
    const toMs = query.to === undefined ? now - (now % DAY_MS) + DAY_MS : validatedDayMs(query.to);
    const fromMs =
      query.from === undefined
        ? toMs - USAGE_RANGE_DAYS_DEFAULT * DAY_MS
        : validatedDayMs(query.from);
    const [fromDay, toDay] = [isoDay(fromMs), isoDay(toMs)];
    const days = (toMs - fromMs) / DAY_MS;
    if (days < 0 || days > USAGE_RANGE_DAYS_MAX) {
      const message = `from must not be after to, and the range at most ${USAGE_RANGE_DAYS_MAX} days (from ${fromDay}, to ${toDay})`;
      throw fieldsRefused(['from'], message);
    }
    return { series: await this.queries.usageByDay(params.id, fromDay, toDay) };
  }

  @Get('credits/rollover')
  @ApiOperation({ operationId: 'getRollover', summary: 'Closed periods, newest first' })
  @ApiOkResponse({ description: 'Closed periods', schema: schemaRef('Rollover') })
  @ApiErrors(...WORKSPACE_ERRORS)
  async rollover(@Param() params: WorkspaceParams): Promise<{ periods: RolloverPeriodView[] }> {
    return { periods: await this.queries.rollover(params.id) };
  }

  @Get('credits/ledger')
  @ApiOperation({
    operationId: 'getStatement',
    summary: 'The statement: credits and debits, newest first, by page',
  })
  @ApiOkResponse({
    description: 'One page; nextCursor is null on the last',
    schema: schemaRef('StatementPage'),
  })
  @ApiErrors(...WORKSPACE_ERRORS, ApiErrorCode.ValidationFailed)
  ledger(
    @Param() params: WorkspaceParams,
    @Query() query: StatementQuery,
  ): Promise<StatementPageView> {
    const cursor = query.cursor === undefined ? null : BigInt(query.cursor);
    return this.queries.statement(params.id, cursor, query.limit ?? STATEMENT_PAGE_SIZE_DEFAULT);
  }

  /** The gate a workflow asks before it runs: allowed while enough credits are available. */
  @Post('credits/check')
  @HttpCode(200)
  @ApiOperation({ operationId: 'checkCredits', summary: 'The gate: may a workflow run now?' })
  @ApiOkResponse({
    description: 'allowed when total available ≥ max(requiredMicro, 1)',
    schema: schemaRef('CheckAnswer'),
  })
  @ApiBody({ type: CheckCreditsBody, required: false })
  @ApiErrors(...WORKSPACE_ERRORS, ...BODY_ERRORS)
  async check(
    @Param() params: WorkspaceParams,
    @Body() body: CheckCreditsBody,
  ): Promise<{ allowed: boolean; status: string; totalAvailableMicro: string }> {
    const balance = await this.queries.balance(params.id);
    const required = body.requiredMicro === undefined ? 1n : BigInt(body.requiredMicro);
    const available = BigInt(balance.totalAvailableMicro);
    return {
      allowed: available > 0n && available >= required,
      status: balance.status,
      totalAvailableMicro: balance.totalAvailableMicro,
    };
  }
}
