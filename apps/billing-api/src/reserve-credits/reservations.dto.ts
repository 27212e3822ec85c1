import { POSITIVE_MICRO_AMOUNT_PATTERN } from '../openapi/request-schemas';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsInstant,
  IsPositiveMicroAmount,
  IsOptionalField,
  RESERVATION_ID_PATTERN,
  WORKSPACE_ID_PATTERN,
  WORKSPACE_ID_RULE,
} from '@tally/contracts';
import { IsString, Matches } from 'class-validator';
import { WORKSPACE_ID_PROPERTY } from '../read-credits/read-credits.dto';

const RESERVATION_ID_RULE =
  'reservationId must be 1 to 200 characters of letters, digits, ".", "_", ":" or "-"';

/** How long a hold lasts when the caller names no expiresAt, and the longest it may last. */
export const RESERVATION_DURATION_MS_DEFAULT = 15 * 60_000;
export const RESERVATION_DURATION_MS_MAX = 24 * 60 * 60_000;

export class ReserveBody {
  @ApiProperty({
    example: 'run-42',
    pattern: RESERVATION_ID_PATTERN.source,
    description: 'chosen by the caller; a replay names it again',
  })
  @IsString()
  @Matches(RESERVATION_ID_PATTERN, { message: RESERVATION_ID_RULE })
  reservationId!: string;

  @ApiProperty({
    example: '75000000',
    pattern: POSITIVE_MICRO_AMOUNT_PATTERN,
    description: 'µcr to hold, an integer string above 0',
  })
  @IsPositiveMicroAmount()
  amountMicro!: string;

  // No example value: any fixed instant is in the past soon, and /docs would send it.
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'an ISO 8601 instant with a zone, later than now and at most 24 h ahead; default 15 minutes from now',
  })
  @IsOptionalField()
  @IsInstant()
  expiresAt?: string;
}

export class ReservationParams {
  @ApiProperty(WORKSPACE_ID_PROPERTY)
  @Matches(WORKSPACE_ID_PATTERN, { message: WORKSPACE_ID_RULE })
  id!: string;

  @ApiProperty({
    description: RESERVATION_ID_RULE,
    pattern: RESERVATION_ID_PATTERN.source,
    example: 'run-42',
  })
  @Matches(RESERVATION_ID_PATTERN, { message: RESERVATION_ID_RULE })
  reservationId!: string;
}
