import {
  CreditEvent,
  CreditEventType,
  CreditEventTypes,
  CreditsDomainError,
  CreditsErrorCode,
  PlannedStatus,
  WorkspaceState,
} from '@tally/credits';
import { workspaceStateIssue } from './workspace-state.shape';

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
  if (event.type === 'CreditDebited') return { type: event.type, data: encodeDebit(event.data) };
  return { type: event.type, data: encodeValue(event.data, '') as Record<string, unknown> };
}

// A debit is by far the most frequent event, and most of its fields usually hold a default: a
// split has one or two non-zero parts of five, most debits touch no grant, only AI actions have
// a model. The stored form leaves those defaults out (about a third of the keys): fewer bytes to
// write, index, log and read. `decodeDebit` puts them back as it decodes; `withStoredDefaults`
// does the same for readers that show the stored JSON itself.
const SPLIT_PARTS = [
  'rolloverMicro',
  'allocationMicro',
  'grantedMicro',
  'purchasedMicro',
  'overdraftMicro',
] as const;

type DebitData = Extract<CreditEvent, { type: 'CreditDebited' }>['data'];

// Built field by field rather than by the generic walk or object spreads (the ledger encodes
// every debit it decides; spreads measured 2.5 µs a debit). `decodeDebit` names the same
// fields, and the codec spec round-trips a debit with every field set, so a field added to
// CreditDebited cannot be left out of one side silently.
function encodeDebit(data: DebitData): Record<string, unknown> {
  const encoded: Record<string, unknown> = {
    workspaceId: data.workspaceId,
    sourceEventId: data.sourceEventId,
    source: data.source,
    actionKind: data.actionKind,
    amountMicro: data.amountMicro.toString(),
    rule: data.rule,
    priceBookVersion: data.priceBookVersion,
    split: encodeSplit(data.split),
    periodStart: data.periodStart,
    occurredAt: data.occurredAt,
    processedAt: data.processedAt,
  };
  if (data.model !== null) encoded.model = data.model;
  if (data.fallback) encoded.fallback = true;
  if (data.reservationId !== null) {
    encoded.reservationId = data.reservationId;
    if (data.reservationFound) encoded.reservationFound = true;
    if (data.reservationDrawnMicro !== 0n)
      encoded.reservationDrawnMicro = data.reservationDrawnMicro.toString();
  }
  if (data.grants.length > 0) {
    encoded.grants = data.grants.map((grant) => ({
      reference: grant.reference,
      amountMicro: grant.amountMicro.toString(),
    }));
  }
  return encoded;
}

function encodeSplit(split: DebitData['split']): Record<string, string> {
  const stored: Record<string, string> = {};
  for (const part of SPLIT_PARTS) if (split[part] !== 0n) stored[part] = split[part].toString();
  return stored;
}

/**
 * A stored event's data with the defaults its stored form may leave out put back: what a
 * reader shows or decodes. Data that already holds them is returned as it is.
 */
export function withStoredDefaults(
  type: string,
  data: Record<string, unknown>,
): Record<string, unknown> {
  if (type !== 'CreditDebited') return data;
  const stored = (data.split ?? {}) as Record<string, unknown>;
  const split: Record<string, unknown> = {};
  for (const part of SPLIT_PARTS) split[part] = stored[part] ?? '0';
  return {
    ...data,
    model: data.model ?? null,
    fallback: data.fallback ?? false,
    split,
    grants: data.grants ?? [],
    reservationId: data.reservationId ?? null,
    reservationFound: data.reservationFound ?? false,
    reservationDrawnMicro: data.reservationDrawnMicro ?? '0',
  };
}

function encodeValue(value: unknown, key: string): unknown {
  if (typeof value === 'bigint') {
    if (!key.endsWith(MICRO_SUFFIX))
      throw new Error(`assertion failed: bigint field "${key}" must end in Micro`);
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
export function decodeCreditEvent(stored: {
  type: string;
  data: Record<string, unknown>;
}): CreditEvent {
  if (!KNOWN_TYPES.has(stored.type)) {
    throw new CreditsDomainError(
      CreditsErrorCode.UnknownEventType,
      `unknown credit event type "${stored.type}"`,
    );
  }
  if (stored.type === 'CreditDebited')
    return { type: 'CreditDebited', data: decodeDebit(stored.data) };
  const data = decodeValue(stored.data, '', stored.type) as Record<string, unknown>;
  if (stored.type === 'CreditPeriodOpened') {
    assertPlannedStatus(data.status, stored.type, 'status');
    data.reservations ??= []; // opened before reservations existed: none were held
  }
  if (stored.type === 'CreditStatusChanged') assertPlannedStatus(data.to, stored.type, 'to');
  return { type: stored.type as CreditEventType, data } as CreditEvent;
}

const PLANNED_STATUSES: ReadonlySet<unknown> = new Set<PlannedStatus>([
  'active',
  'low',
  'exhausted',
]);

// Only a workspace with a period has a status other than `no_plan` (WorkspaceState's kinds);
// these events record one, so a stored one that names another is not ours to replay.
function assertPlannedStatus(value: unknown, type: string, field: string): void {
  if (PLANNED_STATUSES.has(value)) return;
  throw new CreditsDomainError(
    CreditsErrorCode.MalformedEvent,
    `${type}.${field} must be active, low or exhausted, got ${JSON.stringify(value)}`,
  );
}

// The counterpart of `encodeDebit` (every projector batch decodes thousands of debits).
function decodeDebit(stored: Record<string, unknown>): DebitData {
  const grants = stored.grants as Record<string, unknown>[] | undefined;
  return {
    workspaceId: stored.workspaceId as string,
    sourceEventId: stored.sourceEventId as string,
    source: stored.source as DebitData['source'],
    actionKind: stored.actionKind as string,
    model: (stored.model ?? null) as string | null,
    amountMicro: microOf(stored.amountMicro, 'amountMicro'),
    rule: stored.rule as string,
    priceBookVersion: stored.priceBookVersion as string,
    fallback: (stored.fallback ?? false) as boolean,
    split: decodeSplit((stored.split ?? {}) as Record<string, unknown>),
    grants: (grants ?? []).map((grant) => ({
      reference: grant.reference as string,
      amountMicro: microOf(grant.amountMicro, 'amountMicro', 'grants.'),
    })),
    reservationId: (stored.reservationId ?? null) as string | null,
    reservationFound: (stored.reservationFound ?? false) as boolean,
    reservationDrawnMicro: microOf(stored.reservationDrawnMicro ?? '0', 'reservationDrawnMicro'),
    periodStart: (stored.periodStart ?? null) as string | null,
    occurredAt: stored.occurredAt as string,
    processedAt: stored.processedAt as string,
  };
}

function decodeSplit(stored: Record<string, unknown>): DebitData['split'] {
  const split = {} as DebitData['split'];
  for (const part of SPLIT_PARTS) split[part] = microOf(stored[part] ?? '0', part, 'split.');
  return split;
}

function microOf(value: unknown, field: string, parent = ''): bigint {
  if (typeof value !== 'string' || !INTEGER_STRING.test(value)) {
    throw new CreditsDomainError(
      CreditsErrorCode.MalformedEvent,
      `CreditDebited.${parent}${field} is not an integer string`,
    );
  }
  return BigInt(value);
}

function decodeValue(value: unknown, key: string, type: string): unknown {
  if (key.endsWith(MICRO_SUFFIX) && !Array.isArray(value)) {
    if (typeof value !== 'string' || !INTEGER_STRING.test(value)) {
      throw new CreditsDomainError(
        CreditsErrorCode.MalformedEvent,
        `${type}.${key} is not an integer string`,
      );
    }
    return BigInt(value);
  }
  if (Array.isArray(value)) return value.map((item) => decodeValue(item, key, type));
  if (typeof value === 'object' && value !== null) {
    const decoded: Record<string, unknown> = {};
    for (const [field, item] of Object.entries(value))
      decoded[field] = decodeValue(item, field, type);
    return decoded;
  }
  return value;
}

/** A workspace state in storage form (for snapshots): amounts as decimal strings, by the same rule. */
export function encodeWorkspaceState(state: WorkspaceState): Record<string, unknown> {
  return encodeValue(state, '') as Record<string, unknown>;
}

/**
 * Reads a stored snapshot back. Throws CreditsDomainError for anything but a whole state: an
 * amount that is not an integer string, a field missing, unexpected or of the wrong kind at any
 * depth (`workspaceStateIssue`), or a status that does not go with its period.
 */
export function decodeWorkspaceState(stored: Record<string, unknown>): WorkspaceState {
  const state = decodeValue(stored, '', 'WorkspaceState') as Record<string, unknown>;
  const issue = workspaceStateIssue(state);
  if (issue !== null) {
    throw new CreditsDomainError(
      CreditsErrorCode.MalformedEvent,
      `WorkspaceState.${issue} is missing, unexpected or of the wrong kind`,
    );
  }
  // The shape check above has made `period` null or a whole period.
  const unplanned = state.status === 'no_plan' && state.period === null;
  const planned = PLANNED_STATUSES.has(state.status) && state.period !== null;
  if (!unplanned && !planned) {
    throw new CreditsDomainError(
      CreditsErrorCode.MalformedEvent,
      `WorkspaceState.status ${JSON.stringify(state.status)} does not go with its period`,
    );
  }
  return state as unknown as WorkspaceState;
}
