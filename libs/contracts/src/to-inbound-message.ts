import { parseCreditsToMicro, parseMicro } from './credits-amount';
import type { ExecutedAction, InboundMessage } from './inbound-message';
import { ActionDto, ActionExecutedMessage } from './messages/action-executed.message';
import {
  CreditPackPurchasedMessage,
  CreditsGrantedMessage,
  SubscriptionPeriodStartedMessage,
} from './messages/subscription.messages';
import { canonicalInstant } from './instants';

type ValidatedMessage =
  | ActionExecutedMessage
  | SubscriptionPeriodStartedMessage
  | CreditPackPurchasedMessage
  | CreditsGrantedMessage;

// Called only after validation passed, so the amount parsers cannot return null here; a null
// would be a bug in the validators and stops with an assertion.
function assertParsed(value: bigint | null, field: string): bigint {
  if (value === null) throw new Error(`assertion failed: validated ${field} did not parse`);
  return value;
}

/** Converts a validated class instance into the plain, typed value the domain receives. */
export function toInboundMessage(message: ValidatedMessage): InboundMessage {
  const envelope = {
    eventId: message.eventId,
    schemaVersion: 1 as const,
    occurredAt: canonicalInstant(message.occurredAt),
    workspaceId: message.workspaceId,
  };
  if (message instanceof ActionExecutedMessage) {
    return {
      ...envelope,
      type: 'ActionExecuted',
      source: message.source,
      action: toAction(message.action),
      ...(message.reservationId === undefined ? {} : { reservationId: message.reservationId }),
    };
  }
  if (message instanceof SubscriptionPeriodStartedMessage) {
    return {
      ...envelope,
      type: 'SubscriptionPeriodStarted',
      cycle: message.cycle,
      periodStart: canonicalInstant(message.periodStart),
      periodEnd: canonicalInstant(message.periodEnd),
      ...(message.allocationMicro === undefined
        ? {}
        : {
            allocationMicro: assertParsed(parseMicro(message.allocationMicro), 'allocationMicro'),
          }),
    };
  }
  if (message instanceof CreditPackPurchasedMessage) {
    const creditsMicro = assertParsed(parseCreditsToMicro(message.credits), 'credits');
    return {
      ...envelope,
      type: 'CreditPackPurchased',
      creditsMicro,
      paymentRef: message.paymentRef,
    };
  }
  return {
    ...envelope,
    type: 'CreditsGranted',
    grantType: message.grantType,
    creditsMicro: assertParsed(parseCreditsToMicro(message.credits), 'credits'),
    reference: message.reference,
    ...(message.expiresAt === undefined ? {} : { expiresAt: canonicalInstant(message.expiresAt) }),
  };
}

function toAction(action: ActionDto): ExecutedAction {
  const plain: ExecutedAction = { kind: action.kind };
  if (action.workflowId !== undefined) plain.workflowId = action.workflowId;
  if (action.workflowRunId !== undefined) plain.workflowRunId = action.workflowRunId;
  if (action.stepId !== undefined) plain.stepId = action.stepId;
  if (action.durationMs !== undefined) plain.durationMs = action.durationMs;
  if (action.recipients !== undefined) plain.recipients = action.recipients;
  if (action.ai !== undefined) {
    plain.ai = {
      model: action.ai.model,
      inputTokens: action.ai.inputTokens,
      outputTokens: action.ai.outputTokens,
      cachedInputTokens: action.ai.cachedInputTokens ?? 0,
      cacheWriteInputTokens: action.ai.cacheWriteInputTokens ?? 0,
    };
  }
  return plain;
}
