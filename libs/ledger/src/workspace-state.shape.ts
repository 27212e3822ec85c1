import { BILLING_CYCLES, canonicalInstant, GRANT_TYPES, isInstant } from '@tally/contracts';

// The whole shape of a decoded WorkspaceState (amounts already bigint), checked field by field
// before a snapshot is trusted: a state the decider folds on must be one it could have made.
// Exactly these keys at every level, so a field added to the state without a new
// WORKSPACE_SNAPSHOT_VERSION is refused too (the snapshot spec pins the keys to the version).

/** Null when the value fits; else the path of the first field that does not. */
type Check = (value: unknown, path: string) => string | null;

const amount: Check = (value, path) => (typeof value === 'bigint' ? null : path);
const text: Check = (value, path) => (typeof value === 'string' ? null : path);
/** An instant as the codec writes one: UTC, milliseconds, inside the accepted window. */
const instant: Check = (value, path) =>
  typeof value === 'string' && isInstant(value) && canonicalInstant(value) === value ? null : path;
const oneOf =
  (values: readonly unknown[]): Check =>
  (value, path) =>
    values.includes(value) ? null : path;
const orNull =
  (check: Check): Check =>
  (value, path) =>
    value === null ? null : check(value, path);
const listOf =
  (check: Check): Check =>
  (value, path) => {
    if (!Array.isArray(value)) return path;
    for (const [index, item] of value.entries()) {
      const issue = check(item, `${path}[${index}]`);
      if (issue !== null) return issue;
    }
    return null;
  };
const recordOf =
  (fields: Readonly<Record<string, Check>>): Check =>
  (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return path;
    const record = value as Record<string, unknown>;
    const prefix = path === '' ? '' : `${path}.`;
    for (const key of Object.keys(record)) if (!(key in fields)) return `${prefix}${key}`;
    for (const [key, check] of Object.entries(fields)) {
      const issue = key in record ? check(record[key], `${prefix}${key}`) : `${prefix}${key}`;
      if (issue !== null) return issue;
    }
    return null;
  };

const period = recordOf({
  cycle: oneOf(BILLING_CYCLES),
  start: instant,
  end: instant,
  allocationMicro: amount,
});

const grant = recordOf({
  reference: text,
  grantType: oneOf(GRANT_TYPES),
  remainingMicro: amount,
  expiresAt: orNull(instant),
});

const reservation = recordOf({
  reservationId: text,
  amountMicro: amount,
  spentMicro: amount,
  expiresAt: instant,
  createdAt: instant,
});

const workspaceState = recordOf({
  workspaceId: text,
  status: oneOf(['no_plan', 'active', 'low', 'exhausted']),
  period: orNull(period),
  allocationRemainingMicro: amount,
  rolloverMicro: amount,
  grants: listOf(grant),
  grantedMicro: amount,
  purchasedMicro: amount,
  overdraftMicro: amount,
  usedThisPeriodMicro: amount,
  reservations: listOf(reservation),
  reservedMicro: amount,
  recentPaymentRefs: listOf(text),
  recentGrantReferences: listOf(text),
});

/**
 * The first field of a decoded state that is missing, unexpected or of the wrong kind (its
 * path, e.g. `grants[0].remainingMicro`), or null when every field fits. Whether the status
 * goes with the period is the codec's check.
 */
export function workspaceStateIssue(state: unknown): string | null {
  return workspaceState(state, '');
}
