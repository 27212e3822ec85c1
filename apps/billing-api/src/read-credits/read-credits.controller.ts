import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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
import { ApiException } from '../errors/api.exception';
import { BalanceWithForecast, withForecast } from './balance-forecast';
import { CheckCreditsBody, StatementQuery, UsageQuery, WorkspaceParams } from './read-credits.dto';

const DAY_MS = 86_400_000;

function utcDay(value: string): string {
  return new Date(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value))
    .toISOString()
    .slice(0, 10);
}

/** The read side: every answer comes from the projections. */
@ApiTags('credits')
@ApiBearerAuth()
@Controller('v1/workspaces/:id')
@RequireScope(Scopes.creditsRead)
export class ReadCreditsController {
  constructor(private readonly queries: ProjectionQueries) {}

  @Get('credits')
  async balance(@Param() params: WorkspaceParams): Promise<BalanceWithForecast> {
    return withForecast(this.queries, await this.queries.balance(params.id), Date.now());
  }

  @Get('credits/usage')
  async usage(
    @Param() params: WorkspaceParams,
    @Query() query: UsageQuery,
  ): Promise<{ series: UsageBucketView[] }> {
    const now = Date.now();
    const toDay =
      query.to === undefined ? new Date(now + DAY_MS).toISOString().slice(0, 10) : utcDay(query.to);
    const fromDay =
      query.from === undefined
        ? new Date(Date.parse(toDay) - USAGE_RANGE_DAYS_DEFAULT * DAY_MS).toISOString().slice(0, 10)
        : utcDay(query.from);
    const days = (Date.parse(toDay) - Date.parse(fromDay)) / DAY_MS;
    if (!Number.isFinite(days) || days < 0 || days > USAGE_RANGE_DAYS_MAX) {
      throw new ApiException(
        ApiErrorCode.ValidationFailed,
        `from must not be after to, and the range at most ${USAGE_RANGE_DAYS_MAX} days`,
        { fromDay, toDay },
      );
    }
    return { series: await this.queries.usageByDay(params.id, fromDay, toDay) };
  }

  @Get('credits/rollover')
  async rollover(@Param() params: WorkspaceParams): Promise<{ periods: RolloverPeriodView[] }> {
    return { periods: await this.queries.rollover(params.id) };
  }

  @Get('credits/ledger')
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
