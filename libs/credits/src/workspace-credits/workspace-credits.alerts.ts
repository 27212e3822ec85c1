import { assertNever, BalanceAlertType, WorkspaceStatus } from '@tally/contracts';

/**
 * The alert a stored CreditStatusChanged publishes. Every real change publishes exactly one:
 * into `exhausted` → CreditsExhausted; into `low` from `active` or `no_plan` → CreditsLow;
 * out of `exhausted` (to `low` or `active`) and `low` → `active` → CreditsReplenished, as does
 * `no_plan` → `active` (a first period brings credits). No change, or a change into `no_plan`
 * (which never happens), publishes nothing.
 */
export function alertForStatusChange(
  from: WorkspaceStatus,
  to: WorkspaceStatus,
): BalanceAlertType | null {
  if (from === to) return null;
  switch (to) {
    case 'exhausted':
      return 'CreditsExhausted';
    case 'low':
      return from === 'exhausted' ? 'CreditsReplenished' : 'CreditsLow';
    case 'active':
      return 'CreditsReplenished';
    case 'no_plan':
      return null;
    default:
      return assertNever(to, 'status');
  }
}
