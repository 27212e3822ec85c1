import { MICRO_AMOUNT_PATTERN } from '../openapi/request-schemas';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  DAY_MS,
  instantMsOf,
  IsMicroAmount,
  IsOptionalField,
  utcDayMsOf,
  WORKSPACE_ID_PATTERN,
  WORKSPACE_ID_RULE,
} from '@tally/contracts';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, Matches, Max, Min, ValidateBy, ValidationOptions } from 'class-validator';
import { STATEMENT_PAGE_SIZE_MAX } from '@tally/projections';

/** The workspace path parameter as the document declares it. */
export const WORKSPACE_ID_PROPERTY = {
  description: WORKSPACE_ID_RULE,
  pattern: WORKSPACE_ID_PATTERN.source,
  example: 'ws-1',
};

export class WorkspaceParams {
  @ApiProperty(WORKSPACE_ID_PROPERTY)
  @Matches(WORKSPACE_ID_PATTERN, { message: WORKSPACE_ID_RULE })
  id!: string;
}

/** The UTC day a usage bound names: a strict day (2026-11-25) or a strict instant with a zone. */
export function usageBoundDayMs(value: unknown): number | null {
  const dayMs = utcDayMsOf(value);
  if (dayMs !== null) return dayMs;
  const instantMs = instantMsOf(value);
  return instantMs === null ? null : instantMs - (instantMs % DAY_MS);
}

function IsUsageBound(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isUsageBound',
      validator: {
        validate: (value: unknown) => usageBoundDayMs(value) !== null,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be a calendar day YYYY-MM-DD or an ISO 8601 instant, from 2000 to 2099`,
      },
    },
    options,
  );
}

export class UsageQuery {
  @ApiPropertyOptional({
    description: 'First UTC day (inclusive), YYYY-MM-DD or an ISO instant; default 30 days ago',
  })
  @IsOptionalField()
  @IsUsageBound()
  from?: string;

  @ApiPropertyOptional({
    description: 'End (exclusive), YYYY-MM-DD or an ISO instant; default tomorrow',
  })
  @IsOptionalField()
  @IsUsageBound()
  to?: string;

  @ApiPropertyOptional({ enum: ['day'] })
  @IsOptionalField()
  @IsIn(['day'])
  bucket?: 'day';
}

export class StatementQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptionalField()
  @Matches(/^\d{1,18}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: STATEMENT_PAGE_SIZE_MAX })
  @IsOptionalField()
  // Decimal digits only: Number() would also read "0x10", " 1" or "1e2" as integers.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^[0-9]{1,6}$/.test(value) ? Number(value) : value,
  )
  @IsInt({ message: 'limit must be a whole number written in decimal digits' })
  @Min(1)
  @Max(STATEMENT_PAGE_SIZE_MAX)
  limit?: number;
}

export class CheckCreditsBody {
  @ApiPropertyOptional({
    description: 'µcr the caller expects to spend; default: any amount above zero',
    example: '1000000',
    pattern: MICRO_AMOUNT_PATTERN,
  })
  @IsOptionalField()
  @IsMicroAmount()
  requiredMicro?: string;
}
