// Named limits for everything that arrives from outside.

/** Largest accepted message, in UTF-8 bytes. Real messages are well under 2 KiB. */
export const PAYLOAD_SIZE_MAX_BYTES = 1024 * 1024;

/** Longest id, reference or name string accepted in a message. */
export const IDENTIFIER_LENGTH_MAX = 200;

/** Largest amount accepted anywhere: one billion credits, in µcr. */
export const AMOUNT_MICRO_MAX = 1_000_000_000_000_000n;

/** Schema versions this build understands, per message type. */
export const SUPPORTED_SCHEMA_VERSIONS: readonly number[] = [1];
