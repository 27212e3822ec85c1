import { commandFromInbound } from '@tally/credits';
import type { InboundMessage } from '@tally/contracts';
import { idempotencyKeyOf } from './idempotency-key';
import type { KeyedCommand } from './workspace-ledger';

/**
 * The one mapping from a validated message to what the ledger executes, whatever door it came
 * through (Kafka, `POST /v1/events`, the pack and grant routes): the same command and the same
 * idempotency key, so a pack bought over HTTP and the same payment on the bus are one purchase.
 */
export function keyedCommandOf(message: InboundMessage, processedAt: string): KeyedCommand {
  return {
    command: commandFromInbound(message, processedAt),
    idempotencyKey: idempotencyKeyOf(message),
  };
}
