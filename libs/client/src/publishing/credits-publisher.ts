import { parseInboundMessage } from '@tally/contracts';
import type { CreditsEnvelope } from '../messages/envelopes';

/** One message that was not accepted; `index` is its place in the array given to publish. */
export interface PublishRejection {
  index: number;
  eventId: string;
  code: string;
  message: string;
}

export interface PublishResult {
  accepted: number;
  rejected: PublishRejection[];
}

/**
 * Sends messages to Tally. Publishing is idempotent by eventId: after an error, publishing the
 * same envelopes again charges nothing twice.
 */
export interface CreditsPublisher {
  publish(messages: readonly CreditsEnvelope[]): Promise<PublishResult>;
}

/** Most messages in one `POST /v1/events` request or one Kafka `sendBatch`. */
export const MESSAGES_PER_BATCH_MAX = 1_000;

export interface IndexedEnvelope {
  index: number;
  envelope: CreditsEnvelope;
  /** The exact bytes checked by the contracts' parser. */
  value: string;
}

/**
 * The contracts' check again, for envelopes not made by the builders: the ones it refuses are
 * reported with its code and never sent.
 */
export function checkedForSending(messages: readonly CreditsEnvelope[]): {
  valid: IndexedEnvelope[];
  rejected: PublishRejection[];
} {
  const valid: IndexedEnvelope[] = [];
  const rejected: PublishRejection[] = [];
  messages.forEach((envelope, index) => {
    const value = JSON.stringify(envelope);
    const parsed = parseInboundMessage(value);
    if (parsed.ok) valid.push({ index, envelope, value });
    else rejected.push({ index, eventId: String(envelope?.eventId), ...errorOf(parsed) });
  });
  return { valid, rejected };
}

function errorOf(failure: { code: string; message: string }): { code: string; message: string } {
  return { code: failure.code, message: failure.message };
}

export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size)
    chunks.push(items.slice(start, start + size));
  return chunks;
}
