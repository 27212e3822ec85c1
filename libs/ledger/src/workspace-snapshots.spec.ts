import { createHash } from 'node:crypto';
import { CreditsErrorCode, PlannedWorkspace } from '@tally/credits';
import { decodeWorkspaceState, encodeWorkspaceState } from './credit-event.codec';
import { WORKSPACE_SNAPSHOT_VERSION } from './workspace-snapshots';

// A state with every field populated: no null, no empty list, so every key path of the stored
// form appears (the type makes a field added to WorkspaceState appear here too).
const fullState: PlannedWorkspace = {
  workspaceId: 'ws-1',
  status: 'low',
  period: {
    cycle: 'monthly',
    start: '2026-11-01T00:00:00.000Z',
    end: '2026-12-01T00:00:00.000Z',
    allocationMicro: 100_000_000n,
  },
  allocationRemainingMicro: 5_000_000n,
  rolloverMicro: 1_000_000n,
  grants: [
    {
      reference: 'grant-1',
      grantType: 'compensation',
      remainingMicro: 2_000_000n,
      expiresAt: '2026-11-20T00:00:00.000Z',
    },
  ],
  grantedMicro: 2_000_000n,
  purchasedMicro: 3_000_000n,
  overdraftMicro: 4_000_000n,
  usedThisPeriodMicro: 95_000_000n,
  reservations: [
    {
      reservationId: 'hold-1',
      amountMicro: 700_000n,
      spentMicro: 200_000n,
      expiresAt: '2026-11-25T10:15:00.000Z',
      createdAt: '2026-11-25T10:00:00.000Z',
    },
  ],
  reservedMicro: 500_000n,
  recentPaymentRefs: ['pay-1'],
  recentGrantReferences: ['grant-1'],
};

/** The stored key paths, sorted; list items as `[]`. */
function keyPaths(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => keyPaths(item, `${path}[]`));
  if (typeof value !== 'object' || value === null) return [path];
  return Object.entries(value).flatMap(([key, item]) =>
    keyPaths(item, path === '' ? key : `${path}.${key}`),
  );
}

function everyFieldPopulated(value: unknown): boolean {
  if (value === null) return false;
  if (Array.isArray(value)) return value.length > 0 && value.every(everyFieldPopulated);
  if (typeof value === 'object') return Object.values(value).every(everyFieldPopulated);
  return true;
}

const stored = (): Record<string, unknown> =>
  JSON.parse(JSON.stringify(encodeWorkspaceState(fullState))) as Record<string, unknown>;

// The sha256 of the stored key paths each snapshot version writes. A change to the state's
// shape changes the hash: bump WORKSPACE_SNAPSHOT_VERSION (older snapshots are then rebuilt
// from events) and add the new version's hash here.
const KEY_PATHS_SHA256_BY_VERSION: Readonly<Record<number, string>> = {
  2: 'ef17430b42141e7a4ea0490eff9f860421acb1db5c6a0053f9380b8c21a13320',
};

describe('workspace snapshots: what a stored state must be', () => {
  it('pins the stored key structure to WORKSPACE_SNAPSHOT_VERSION', () => {
    const document = stored();
    expect(everyFieldPopulated(document)).toBe(true);
    const paths = [...new Set(keyPaths(document))].sort();
    const sha256 = createHash('sha256').update(paths.join('\n')).digest('hex');
    expect({ version: WORKSPACE_SNAPSHOT_VERSION, sha256, paths }).toEqual({
      version: WORKSPACE_SNAPSHOT_VERSION,
      sha256: KEY_PATHS_SHA256_BY_VERSION[WORKSPACE_SNAPSHOT_VERSION],
      paths,
    });
  });

  it('reads back a state with every field populated', () => {
    expect(decodeWorkspaceState(stored())).toEqual(fullState);
  });

  const refused: [string, (document: Record<string, unknown>) => Record<string, unknown>][] = [
    [
      'an empty period and a grant of nonsense',
      (document) => ({ ...document, status: 'active', period: {}, grants: [{ nonsense: 1 }] }),
    ],
    ['a period of another cycle', (d) => ({ ...d, period: { ...obj(d.period), cycle: 'weekly' } })],
    [
      'a period start that is not a canonical instant',
      (d) => ({ ...d, period: { ...obj(d.period), start: '2026-11-01T00:00:00Z' } }),
    ],
    ['a period end that is no instant', (d) => ({ ...d, period: { ...obj(d.period), end: 'b' } })],
    [
      'a period without its allocation',
      (d) => ({ ...d, period: { ...obj(d.period), allocationMicro: undefined } }),
    ],
    ['a grant with an unknown grantType', (d) => withItem(d, 'grants', { grantType: 'gift' })],
    ['a grant amount as a number', (d) => withItem(d, 'grants', { remainingMicro: 5 })],
    ['a grant without expiresAt', (d) => withItem(d, 'grants', { expiresAt: undefined })],
    ['a grant reference that is not text', (d) => withItem(d, 'grants', { reference: 7 })],
    ['a grant with an extra field', (d) => withItem(d, 'grants', { note: 'x' })],
    [
      'a reservation without createdAt',
      (d) => withItem(d, 'reservations', { createdAt: undefined }),
    ],
    [
      'a reservation without spentMicro',
      (d) => withItem(d, 'reservations', { spentMicro: undefined }),
    ],
    [
      'a reservation expiring at no instant',
      (d) => withItem(d, 'reservations', { expiresAt: 'soon' }),
    ],
    ['a reservation id that is not text', (d) => withItem(d, 'reservations', { reservationId: 1 })],
    ['a top-level field it does not know', (d) => ({ ...d, frozen: true })],
    ['a top-level amount missing', (d) => ({ ...d, reservedMicro: undefined })],
    ['a recent payment reference that is not text', (d) => ({ ...d, recentPaymentRefs: [1] })],
  ];

  it.each(refused)('refuses a current-version state with %s', (_, change) => {
    const document = JSON.parse(JSON.stringify(change(stored()))) as Record<string, unknown>;
    expect(() => decodeWorkspaceState(document)).toThrow(
      expect.objectContaining({ code: CreditsErrorCode.MalformedEvent }),
    );
  });
});

function obj(value: unknown): Record<string, unknown> {
  return value as Record<string, unknown>;
}

/** The document with its list's first item changed (undefined drops a field in JSON). */
function withItem(
  document: Record<string, unknown>,
  list: 'grants' | 'reservations',
  change: Record<string, unknown>,
): Record<string, unknown> {
  const [first] = document[list] as Record<string, unknown>[];
  return { ...document, [list]: [{ ...first, ...change }] };
}
