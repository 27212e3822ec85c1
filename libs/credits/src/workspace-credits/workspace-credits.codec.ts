import { CreditsDomainError, CreditsErrorCode } from './workspace-credits.errors';
import { CreditEvent, CreditEventType, CreditEventTypes } from './workspace-credits.events';
import type { WorkspaceState } from './workspace-credits.state';

// Storage form: bigint → decimal string. The rule that makes decoding exact without a schema
// per event: every bigint field's name ends in `Micro` and nothing else does (asserted when
// encoding, so a new event that breaks the rule fails its first round-trip test).

const MICRO_SUFFIX = 'Micro';
const INTEGER_STRING = /^-?(0|[1-9][0-9]*)$/;
const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.values(CreditEventTypes));

export interface EncodedCreditEvent {
  type: string;
  data: Record<string, unknown>;
}

export function encodeCreditEvent(event: CreditEvent): EncodedCreditEvent {
  const data = encodeValue(event.data, '') as Record<string, unknown>;
  if (event.type === 'CreditDebited') omitDebitDefaults(data);
  return { type: event.type, data };
}

// A debit is by far the most frequent event, and most of its fields usually hold a default: a
// split has one or two non-zero parts of five, most debits touch no grant, only AI actions have
// a model. The stored form leaves those defaults out (about a third of the keys), and every
// reader puts them back with `withStoredDefaults`: fewer bytes to write, index, log and read.
const SPLIT_PARTS = ['rolloverMicro', 'allocationMicro', 'grantedMicro', 'purchasedMicro', 'overdraftMicro'] as const;

function omitDebitDefaults(data: Record<string, unknown>): void {
  const split = data.split as Record<string, unknown>;
  for (const part of SPLIT_PARTS) if (split[part] === '0') delete split[part];
  if ((data.grants as unknown[]).length === 0) delete data.grants;
  if (data.model === null) delete data.model;
  if (data.fallback === false) delete data.fallback;
}

/**
 * A stored event's data with the defaults its stored form may leave out put back: what a
 * reader shows or decodes. Data that already holds them is returned as it is.
 */
export function withStoredDefaults(type: string, data: Record<string, unknown>): Record<string, unknown> {
  if (type !== 'CreditDebited') return data;
  const stored = (data.split ?? {}) as Record<string, unknown>;
  const split: Record<string, unknown> = {};
  for (const part of SPLIT_PARTS) split[part] = stored[part] ?? '0';
  return { ...data, model: data.model ?? null, fallback: data.fallback ?? false, split, grants: data.grants ?? [] };
}

function encodeValue(value: unknown, key: string): unknown {
  if (typeof value === 'bigint') {
    if (!key.endsWith(MICRO_SUFFIX)) throw new Error(`assertion failed: bigint field "${key}" must end in Micro`);
    return value.toString();
  }
  if (Array.isArray(value)) return value.map((item) => encodeValue(item, key));
  if (typeof value === 'object' && value !== null) {
    const encoded: Record<string, unknown> = {};
    for (const [field, item] of Object.entries(value)) encoded[field] = encodeValue(item, field);
    return encoded;
  }
  return value;
}

/** Decodes a stored event. Throws CreditsDomainError for a type or amount this build cannot read. */
export function decodeCreditEvent(stored: { type: string; data: Record<string, unknown> }): CreditEvent {
  if (!KNOWN_TYPES.has(stored.type)) {
    throw new CreditsDomainError(CreditsErrorCode.UnknownEventType, `unknown credit event type "${stored.type}"`);
  }
  const data = decodeValue(withStoredDefaults(stored.type, stored.data), '', stored.type);
  return { type: stored.type as CreditEventType, data } as CreditEvent;
}

function decodeValue(value: unknown, key: string, type: string): unknown {
  if (key.endsWith(MICRO_SUFFIX) && !Array.isArray(value)) {
    if (typeof value !== 'string' || !INTEGER_STRING.test(value)) {
      throw new CreditsDomainError(CreditsErrorCode.MalformedEvent, `${type}.${key} is not an integer string`);
    }
    return BigInt(value);
  }
  if (Array.isArray(value)) return value.map((item) => decodeValue(item, key, type));
  if (typeof value === 'object' && value !== null) {
    const decoded: Record<string, unknown> = {};
    for (const [field, item] of Object.entries(value)) decoded[field] = decodeValue(item, field, type);
    return decoded;
  }
  return value;
}

/** A workspace state in storage form (for snapshots): amounts as decimal strings, by the same rule. */
export function encodeWorkspaceState(state: WorkspaceState): Record<string, unknown> {
  return encodeValue(state, '') as Record<string, unknown>;
}

/** Reads a stored snapshot back. Throws CreditsDomainError for an amount that is not an integer string. */
export function decodeWorkspaceState(stored: Record<string, unknown>): WorkspaceState {
  return decodeValue(stored, '', 'WorkspaceState') as WorkspaceState;
}
