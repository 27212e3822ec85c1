// class-transformer's @Type reads design-time metadata, so the polyfill must load before the
// decorators below run, whoever imports this library first.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  Equals,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  ACTION_KIND_LENGTH_MAX,
  DURATION_MS_MAX,
  IDENTIFIER_LENGTH_MAX,
  RECIPIENTS_MAX,
  RESERVATION_ID_PATTERN,
  TOKENS_MAX,
} from '../limits';
import { HasTextLength, IsOptionalField } from '../validators';
import { MessageEnvelope } from './envelope';

export const ACTION_SOURCES = ['workflow', 'ai-agent', 'ai-chat'] as const;
export type ActionSource = (typeof ACTION_SOURCES)[number];

// Any workflow step kind is accepted (unknown ones are priced as a plain step), but a kind is
// a short dotted name, never free text.
export const ACTION_KIND_PATTERN = /^[a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)*$/;

export class AiUsageDto {
  @IsString()
  @HasTextLength(1, IDENTIFIER_LENGTH_MAX)
  model!: string;

  @IsInt()
  @Min(0)
  @Max(TOKENS_MAX)
  inputTokens!: number;

  @IsInt()
  @Min(0)
  @Max(TOKENS_MAX)
  outputTokens!: number;

  @IsOptionalField()
  @IsInt()
  @Min(0)
  @Max(TOKENS_MAX)
  cachedInputTokens?: number;

  /**
   * Prompt-cache writes, counted apart from `inputTokens` (docs/api.md, the token convention);
   * priced at the model's `cacheWriteInput` rate, or its `input` rate without one.
   */
  @IsOptionalField()
  @IsInt()
  @Min(0)
  @Max(TOKENS_MAX)
  cacheWriteInputTokens?: number;
}

export class ActionDto {
  @IsString()
  @HasTextLength(1, ACTION_KIND_LENGTH_MAX)
  @Matches(ACTION_KIND_PATTERN, { message: 'action.kind must be a dotted lower-case name' })
  kind!: string;

  @IsOptionalField() @IsString() @HasTextLength(1, IDENTIFIER_LENGTH_MAX) workflowId?: string;
  @IsOptionalField() @IsString() @HasTextLength(1, IDENTIFIER_LENGTH_MAX) workflowRunId?: string;
  @IsOptionalField() @IsString() @HasTextLength(1, IDENTIFIER_LENGTH_MAX) stepId?: string;

  // The price of these kinds depends on the field, so it is required for them.
  @ValidateIf((action: ActionDto) => action.kind === 'code.run' || action.durationMs !== undefined)
  @IsDefined()
  @IsInt()
  @Min(0)
  @Max(DURATION_MS_MAX)
  durationMs?: number;

  @ValidateIf(
    (action: ActionDto) => action.kind === 'email.send' || action.recipients !== undefined,
  )
  @IsDefined()
  @IsInt()
  @Min(0)
  @Max(RECIPIENTS_MAX)
  recipients?: number;

  @ValidateIf((action: ActionDto) => action.kind === 'ai.generate' || action.ai !== undefined)
  @IsDefined()
  @IsObject({ message: 'action.ai must be an object' })
  @ValidateNested()
  @Type(() => AiUsageDto)
  ai?: AiUsageDto;
}

/** `ActionExecuted` v1 on `credits.action-executed.v1`. */
export class ActionExecutedMessage extends MessageEnvelope {
  @Equals('ActionExecuted')
  type!: 'ActionExecuted';

  @IsIn(ACTION_SOURCES)
  source!: ActionSource;

  @IsDefined()
  @IsObject({ message: 'action must be an object' })
  @ValidateNested()
  @Type(() => ActionDto)
  action!: ActionDto;

  /** The reservation this action draws on first (design section 6); optional. */
  @IsOptionalField()
  @IsString()
  @Matches(RESERVATION_ID_PATTERN, {
    message: 'reservationId must be 1 to 200 characters of letters, digits, ".", "_", ":" or "-"',
  })
  reservationId?: string;
}
