// class-transformer's @Type reads design-time metadata, so the polyfill must load before the
// decorators below run, whoever imports this library first.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  Equals,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IDENTIFIER_LENGTH_MAX } from '../limits';
import { MessageEnvelope } from './envelope';

export const ACTION_SOURCES = ['workflow', 'ai-agent', 'ai-chat'] as const;
export type ActionSource = (typeof ACTION_SOURCES)[number];

// Any workflow step kind is accepted (unknown ones are priced as a plain step), but a kind is
// a short dotted name, never free text.
export const ACTION_KIND_PATTERN = /^[a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)*$/;

export const RECIPIENTS_MAX = 1_000_000;

export class AiUsageDto {
  @IsString()
  @Length(1, IDENTIFIER_LENGTH_MAX)
  model!: string;

  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  inputTokens!: number;

  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  outputTokens!: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  cachedInputTokens?: number;
}

export class ActionDto {
  @IsString()
  @Length(1, 100)
  @Matches(ACTION_KIND_PATTERN, { message: 'action.kind must be a dotted lower-case name' })
  kind!: string;

  @IsOptional() @IsString() @Length(1, IDENTIFIER_LENGTH_MAX) workflowId?: string;
  @IsOptional() @IsString() @Length(1, IDENTIFIER_LENGTH_MAX) workflowRunId?: string;
  @IsOptional() @IsString() @Length(1, IDENTIFIER_LENGTH_MAX) stepId?: string;

  // The price of these kinds depends on the field, so it is required for them.
  @ValidateIf((action: ActionDto) => action.kind === 'code.run' || action.durationMs !== undefined)
  @IsDefined()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  durationMs?: number;

  @ValidateIf((action: ActionDto) => action.kind === 'email.send' || action.recipients !== undefined)
  @IsDefined()
  @IsInt()
  @Min(0)
  @Max(RECIPIENTS_MAX)
  recipients?: number;

  @ValidateIf((action: ActionDto) => action.kind === 'ai.generate' || action.ai !== undefined)
  @IsDefined()
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
  @ValidateNested()
  @Type(() => ActionDto)
  action!: ActionDto;
}
