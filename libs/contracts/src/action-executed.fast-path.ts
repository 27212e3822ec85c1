import type { ActionExecuted, ExecutedAction } from './inbound-message';
import { instantMsOf } from './instants';
import { isStorableText } from './json-shape';
import {
  ACTION_KIND_LENGTH_MAX,
  DURATION_MS_MAX,
  IDENTIFIER_LENGTH_MAX,
  RECIPIENTS_MAX,
  RESERVATION_ID_PATTERN,
  TOKENS_MAX,
} from './limits';
import { ACTION_KIND_PATTERN, ACTION_SOURCES } from './messages/action-executed.message';
import { WORKSPACE_ID_PATTERN } from './messages/envelope';

// The ledger parses tens of thousands of ActionExecuted messages a second; class-transformer
// plus class-validator cost ~50 µs each. This check accepts only messages that the class-based
// validation certainly accepts and returns the identical value (a property test holds it to
// that); anything else — including every invalid message — takes the class-based path, which
// stays the one source of error codes and details.

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isIdentifier = (value: unknown, lengthMax = IDENTIFIER_LENGTH_MAX): value is string =>
  typeof value === 'string' &&
  value.length >= 1 &&
  value.length <= lengthMax &&
  isStorableText(value);

const isCount = (value: unknown, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;

/** The validated value, or null when the full class-based validation must decide. */
export function acceptActionExecutedFast(input: unknown): ActionExecuted | null {
  if (!isObject(input) || input.type !== 'ActionExecuted' || input.schemaVersion !== 1) return null;
  const { eventId, occurredAt, workspaceId, source } = input;
  const occurredAtMs = instantMsOf(occurredAt);
  if (!isIdentifier(eventId) || occurredAtMs === null) return null;
  if (typeof workspaceId !== 'string' || !WORKSPACE_ID_PATTERN.test(workspaceId)) return null;
  if (typeof source !== 'string' || !(ACTION_SOURCES as readonly string[]).includes(source))
    return null;
  const action = acceptAction(input.action);
  if (action === null) return null;
  const { reservationId } = input;
  if (
    reservationId !== undefined &&
    (typeof reservationId !== 'string' || !RESERVATION_ID_PATTERN.test(reservationId))
  )
    return null;
  const accepted: ActionExecuted = {
    eventId,
    schemaVersion: 1,
    occurredAt: new Date(occurredAtMs).toISOString(),
    workspaceId,
    type: 'ActionExecuted',
    source: source as ActionExecuted['source'],
    action,
  };
  if (reservationId !== undefined) accepted.reservationId = reservationId;
  return accepted;
}

function acceptAction(input: unknown): ExecutedAction | null {
  if (!isObject(input)) return null;
  const { kind, workflowId, workflowRunId, stepId, durationMs, recipients, ai } = input;
  if (!isIdentifier(kind, ACTION_KIND_LENGTH_MAX) || !ACTION_KIND_PATTERN.test(kind)) return null;
  const action: ExecutedAction = { kind };
  for (const [name, value] of [
    ['workflowId', workflowId],
    ['workflowRunId', workflowRunId],
    ['stepId', stepId],
  ] as const) {
    if (value === undefined) continue;
    if (!isIdentifier(value)) return null;
    action[name] = value;
  }
  if (durationMs !== undefined || kind === 'code.run') {
    if (!isCount(durationMs, DURATION_MS_MAX)) return null;
    action.durationMs = durationMs;
  }
  if (recipients !== undefined || kind === 'email.send') {
    if (!isCount(recipients, RECIPIENTS_MAX)) return null;
    action.recipients = recipients;
  }
  if (ai !== undefined || kind === 'ai.generate') {
    if (!isObject(ai)) return null;
    const { model, inputTokens, outputTokens, cachedInputTokens, cacheWriteInputTokens } = ai;
    if (
      !isIdentifier(model) ||
      !isCount(inputTokens, TOKENS_MAX) ||
      !isCount(outputTokens, TOKENS_MAX)
    )
      return null;
    if (cachedInputTokens !== undefined && !isCount(cachedInputTokens, TOKENS_MAX)) return null;
    if (cacheWriteInputTokens !== undefined && !isCount(cacheWriteInputTokens, TOKENS_MAX))
      return null;
    action.ai = {
      model,
      inputTokens,
      outputTokens,
      cachedInputTokens: cachedInputTokens ?? 0,
      cacheWriteInputTokens: cacheWriteInputTokens ?? 0,
    };
  }
  return action;
}
