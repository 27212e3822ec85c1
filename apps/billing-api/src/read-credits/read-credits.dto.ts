import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsMicroAmount, WORKSPACE_ID_PATTERN } from '@tally/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { STATEMENT_PAGE_SIZE_MAX } from '@tally/projections';

export class WorkspaceParams {
  @Matches(WORKSPACE_ID_PATTERN, { message: 'id must be 1-128 characters of [A-Za-z0-9._:-]' })
  id!: string;
}

// A UTC day (2026-11-25) or an instant with a zone; buckets are whole UTC days.
const DAY_OR_INSTANT =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

export class UsageQuery {
  @ApiPropertyOptional({
    description: 'First UTC day (inclusive), YYYY-MM-DD or an ISO instant; default 30 days ago',
  })
  @IsOptional()
  @Matches(DAY_OR_INSTANT, { message: 'from must be YYYY-MM-DD or an ISO 8601 instant' })
  from?: string;

  @ApiPropertyOptional({
    description: 'End (exclusive), YYYY-MM-DD or an ISO instant; default tomorrow',
  })
  @IsOptional()
  @Matches(DAY_OR_INSTANT, { message: 'to must be YYYY-MM-DD or an ISO 8601 instant' })
  to?: string;

  @ApiPropertyOptional({ enum: ['day'] })
  @IsOptional()
  @IsIn(['day'])
  bucket?: 'day';
}

export class StatementQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: STATEMENT_PAGE_SIZE_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(STATEMENT_PAGE_SIZE_MAX)
  limit?: number;
}

export class CheckCreditsBody {
  @ApiPropertyOptional({
    description: 'µcr the caller expects to spend; default: any amount above zero',
  })
  @IsOptional()
  @IsMicroAmount()
  requiredMicro?: string;
}
