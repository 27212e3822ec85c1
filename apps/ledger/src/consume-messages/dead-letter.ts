import { BusMessage, OutboundMessage, UndecodableBatch } from '@tally/messaging';

// A dead letter must always fit the DLQ topic, or the partition that refused the message could
// never commit past it. A message the ledger refuses may be far larger than any broker's default
// max.message.bytes (1 MiB): a producer with a larger max.request.size sends a compressed value of
// many MiB to a topic whose limit allows it. So a letter keeps at most these many bytes of what it
// carries, and says so in its headers.
/** Bytes of the refused value (or undecodable batch) a dead letter keeps; the rest is cut. */
export const deadLetterValueBytesMax = 256 * 1024;
/** Bytes of the refused message's key a dead letter keeps (keys are workspace ids, far shorter). */
const deadLetterKeyBytesMax = 1_024;
/** The refused message's own headers are copied only while their names and values fit in this. */
const originalHeadersBytesMax = 16 * 1024;
/** Dead letters per send: kafkajs sends a partition's messages as one record batch, which must fit too. */
const deadLetterSendBytesMax = 512 * 1024;
const errorMessageCharsMax = 1_000;

function cut(bytes: Buffer, max: number): Buffer {
  return bytes.length > max ? bytes.subarray(0, max) : bytes;
}

function headersBytes(headers: Record<string, string>): number {
  return Object.entries(headers).reduce(
    (total, [name, value]) => total + Buffer.byteLength(name) + Buffer.byteLength(value),
    0,
  );
}

/**
 * The bounded form of a letter: value, key and copied headers cut to their limits. A cut letter
 * carries `x-truncated: true` and `x-original-size-bytes` (the whole value's size).
 */
function bounded(
  key: string,
  value: Buffer,
  original: Record<string, string>,
  headers: Record<string, string>,
): OutboundMessage {
  const keyBytes = Buffer.from(key, 'utf8');
  const copied = headersBytes(original) <= originalHeadersBytesMax ? original : {};
  const truncated =
    value.length > deadLetterValueBytesMax ||
    keyBytes.length > deadLetterKeyBytesMax ||
    copied !== original;
  return {
    key: cut(keyBytes, deadLetterKeyBytesMax).toString('utf8'),
    value: cut(value, deadLetterValueBytesMax),
    headers: {
      ...copied,
      ...headers,
      ...(truncated
        ? { 'x-truncated': 'true', 'x-original-size-bytes': String(value.length) }
        : {}),
    },
  };
}

/** The pinned DLQ envelope: the original bytes plus where they came from and why they failed. */
export function deadLetterOf(message: BusMessage, code: string, reason: string): OutboundMessage {
  return bounded(message.key ?? '', message.value ?? Buffer.alloc(0), message.headers, {
    'x-error-code': code,
    'x-error-message': reason.slice(0, errorMessageCharsMax),
    'x-original-topic': message.topic,
    'x-original-partition': String(message.partition),
    'x-original-offset': message.offset,
  });
}

/**
 * The dead letter of a record batch the ledger could not decode: its bytes as the broker sent
 * them (Kafka's v2 record-batch format), so they can be decoded elsewhere or republished.
 */
export function undecodableDeadLetter(batch: UndecodableBatch, code: string): OutboundMessage {
  // The batch's own keys are inside the bytes it could not decode.
  return bounded(
    '',
    batch.bytes,
    {},
    {
      'x-error-code': code,
      'x-error-message': `${batch.codec} batch could not be decoded: ${batch.error}`.slice(
        0,
        errorMessageCharsMax,
      ),
      'x-original-topic': batch.topic,
      'x-original-partition': String(batch.partition),
      'x-original-offset': batch.firstOffset,
      'x-original-last-offset': batch.lastOffset,
      'x-batch-codec': batch.codec,
    },
  );
}

function letterBytes(letter: OutboundMessage): number {
  return (
    Buffer.byteLength(letter.key) +
    Buffer.byteLength(letter.value) +
    headersBytes(letter.headers ?? {})
  );
}

/** Dead letters in sends that each fit the broker's default limit, in their order. */
export function deadLetterSends(letters: OutboundMessage[]): OutboundMessage[][] {
  const sends: OutboundMessage[][] = [];
  let current: OutboundMessage[] = [];
  let currentBytes = 0;
  for (const letter of letters) {
    const bytes = letterBytes(letter);
    if (current.length > 0 && currentBytes + bytes > deadLetterSendBytesMax) {
      sends.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(letter);
    currentBytes += bytes;
  }
  if (current.length > 0) sends.push(current);
  return sends;
}
