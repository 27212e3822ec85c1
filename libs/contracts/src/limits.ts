// Named limits for everything that arrives from outside, over Kafka or HTTP alike.

/** Milliseconds in a UTC day: instants are bucketed by UTC days everywhere. */
export const DAY_MS = 86_400_000;

/**
 * Largest accepted message, in UTF-8 bytes, at the API (each envelope) and at the ledger. Real
 * messages are well under 2 KiB; the limit leaves room for long ids and unknown extra fields.
 */
export const PAYLOAD_SIZE_MAX_BYTES = 64 * 1024;

/** Deepest nesting of objects and arrays accepted in a message or request body. */
export const JSON_DEPTH_MAX = 8;

/** Longest id, reference or name string accepted in a message. */
export const IDENTIFIER_LENGTH_MAX = 200;

/** Longest workspace id (WORKSPACE_ID_PATTERN). */
export const WORKSPACE_ID_LENGTH_MAX = 128;

/** Longest action kind, in a message and as a price book's key. */
export const ACTION_KIND_LENGTH_MAX = 100;

/** Largest amount accepted anywhere: one billion credits, in µcr. */
export const AMOUNT_MICRO_MAX = 1_000_000_000_000_000n;

/**
 * A reservation id, chosen by the caller: 1–200 characters of `[A-Za-z0-9._:-]` (design
 * section 6).
 */
export const RESERVATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;

/** Most tokens in one token count of an `ai.generate` action (input, output, cached, cache write). */
export const TOKENS_MAX = 100_000_000;

/** Longest `code.run` duration: 30 days, in milliseconds. */
export const DURATION_MS_MAX = 30 * DAY_MS;

/** Most recipients of one `email.send` action. */
export const RECIPIENTS_MAX = 1_000_000;

/**
 * Instants are accepted from 2000-01-01 (inclusive) to 2100-01-01 (exclusive), UTC: wide enough
 * for any real event, and narrow enough that no date arithmetic or day bucket leaves the range
 * both JavaScript and PostgreSQL represent.
 */
export const INSTANT_MIN_MS = Date.UTC(2000, 0, 1);
export const INSTANT_MAX_MS = Date.UTC(2100, 0, 1);

/** Schema versions this build understands, per message type. */
export const SUPPORTED_SCHEMA_VERSIONS: readonly number[] = [1];
