import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CREDITS_PATTERN,
  GRANT_TYPES,
  GrantType,
  IDENTIFIER_LENGTH_MAX,
  IsCreditsAmount,
  IsInstant,
  IsOptionalField,
} from '@tally/contracts';
import { IsIn, IsString, Length } from 'class-validator';

export class BuyCreditPackBody {
  @ApiProperty({
    example: '10',
    pattern: CREDITS_PATTERN.source,
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
  @Length(1, IDENTIFIER_LENGTH_MAX)
  paymentRef!: string;
}

export class GrantCreditsBody {
  @ApiProperty({ enum: GRANT_TYPES, example: 'compensation' })
  @IsIn(GRANT_TYPES)
  grantType!: GrantType;

  @ApiProperty({ example: '5', pattern: CREDITS_PATTERN.source, description: 'Credits' })
  @IsCreditsAmount()
  credits!: string;

  @ApiProperty({
    example: 'support-ticket-4711',
    minLength: 1,
    maxLength: IDENTIFIER_LENGTH_MAX,
    description: 'The grant is idempotent by it',
  })
  @IsString()
  @Length(1, IDENTIFIER_LENGTH_MAX)
  reference!: string;

  @ApiPropertyOptional({ example: '2027-01-01T00:00:00.000Z', format: 'date-time' })
  @IsOptionalField()
  @IsInstant()
  expiresAt?: string;
}
