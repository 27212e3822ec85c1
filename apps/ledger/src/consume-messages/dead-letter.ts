import { BusMessage, OutboundMessage } from '@tally/messaging';

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
