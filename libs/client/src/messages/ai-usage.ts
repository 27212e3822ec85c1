import type { AiUsageFields } from './envelopes';

/** The `usage` object of an OpenAI chat completion or response. */
export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
}

/** The `usage` object of an Anthropic message. */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/**
 * OpenAI counts cache reads inside `prompt_tokens`: they are taken out, so `inputTokens` is
 * fresh input only. `completion_tokens` already includes reasoning tokens.
 */
export function aiUsageFromOpenAi(model: string, usage: OpenAiUsage): AiUsageFields {
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    model,
    inputTokens: usage.prompt_tokens - cached,
    outputTokens: usage.completion_tokens,
    cachedInputTokens: cached,
  };
}

/** Anthropic already counts fresh input, cache reads and cache writes apart: mapped as they are. */
export function aiUsageFromAnthropic(model: string, usage: AnthropicUsage): AiUsageFields {
  return {
    model,
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    cachedInputTokens: usage.cache_read_input_tokens ?? 0,
    cacheWriteInputTokens: usage.cache_creation_input_tokens ?? 0,
  };
}
