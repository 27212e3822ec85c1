import { POSITIVE_CREDITS_PATTERN } from '../openapi/request-schemas';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  GRANT_TYPES,
  GrantType,
  HasTextLength,
  IDENTIFIER_LENGTH_MAX,
  IsCreditsAmount,
  IsInstant,
  IsOptionalField,
} from '@tally/contracts';
import { IsIn, IsString } from 'class-validator';

export class BuyCreditPackBody {
  @ApiProperty({
    example: '10',
    pattern: POSITIVE_CREDITS_PATTERN,
    description: 'Pack size in credits (10, 50, 100 or 500 by default)',
  })
  @IsCreditsAmount()
  credits!: string;

  @ApiProperty({
    example: 'pay_2026_11_25_0001',
    minLength: 1,
    maxLength: IDENTIFIER_LENGTH_MAX,
    description: 'Payment reference; the purchase is idempotent by it',
  })
  @IsString()
  @HasTextLength(1, IDENTIFIER_LENGTH_MAX)
  paymentRef!: string;
}

export class GrantCreditsBody {
  @ApiProperty({ enum: GRANT_TYPES, example: 'compensation' })
  @IsIn(GRANT_TYPES)
  grantType!: GrantType;

  @ApiProperty({ example: '5', pattern: POSITIVE_CREDITS_PATTERN, description: 'Credits' })
  @IsCreditsAmount()
  credits!: string;

  @ApiProperty({
    example: 'support-ticket-4711',
    minLength: 1,
    maxLength: IDENTIFIER_LENGTH_MAX,
    description: 'The grant is idempotent by it',
  })
  @IsString()
  @HasTextLength(1, IDENTIFIER_LENGTH_MAX)
  reference!: string;

  // No example value here: a fixed instant goes stale; the route's body example has one.
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'when the grant lapses; an instant already past is recorded and lapses at once (so a late replay still answers as a replay)',
  })
  @IsOptionalField()
  @IsInstant()
  expiresAt?: string;
}
