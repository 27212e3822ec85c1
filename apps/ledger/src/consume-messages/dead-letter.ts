import { BusMessage, OutboundMessage, UndecodableBatch } from '@tally/messaging';

/** The pinned DLQ envelope: the original bytes plus where they came from and why they failed. */
export function deadLetterOf(message: BusMessage, code: string, reason: string): OutboundMessage {
  return {
    key: message.key ?? '',
    value: message.value ?? Buffer.alloc(0),
    headers: {
      ...message.headers,
      'x-error-code': code,
      'x-error-message': reason.slice(0, 1_000),
      'x-original-topic': message.topic,
      'x-original-partition': String(message.partition),
      'x-original-offset': message.offset,
    },
  };
}

/**
 * The dead letter of a record batch the ledger could not decode: its bytes as the broker sent
 * them (Kafka's v2 record-batch format), so they can be decoded elsewhere or republished.
 */
export function undecodableDeadLetter(batch: UndecodableBatch, code: string): OutboundMessage {
  return {
    // The batch's own keys are inside the bytes it could not decode.
    key: '',
    value: batch.bytes,
    headers: {
      'x-error-code': code,
      'x-error-message': `${batch.codec} batch could not be decoded: ${batch.error}`.slice(
        0,
        1_000,
      ),
      'x-original-topic': batch.topic,
      'x-original-partition': String(batch.partition),
      'x-original-offset': batch.firstOffset,
      'x-original-last-offset': batch.lastOffset,
      'x-batch-codec': batch.codec,
    },
  };
}
