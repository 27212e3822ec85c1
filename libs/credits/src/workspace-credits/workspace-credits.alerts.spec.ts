import type { WorkspaceStatus } from '@tally/contracts';
import { alertForStatusChange } from './workspace-credits.alerts';

describe('alertForStatusChange', () => {
  it.each<[WorkspaceStatus, WorkspaceStatus, string | null]>([
    ['active', 'low', 'CreditsLow'],
    ['no_plan', 'low', 'CreditsLow'],
    ['active', 'exhausted', 'CreditsExhausted'],
    ['low', 'exhausted', 'CreditsExhausted'],
    ['no_plan', 'exhausted', 'CreditsExhausted'],
    ['exhausted', 'active', 'CreditsReplenished'],
    ['exhausted', 'low', 'CreditsReplenished'],
    ['low', 'active', 'CreditsReplenished'],
    ['no_plan', 'active', 'CreditsReplenished'],
    ['active', 'active', null],
    ['exhausted', 'exhausted', null],
    ['active', 'no_plan', null],
  ])('maps %s → %s to %s', (from, to, alert) => {
    expect(alertForStatusChange(from, to)).toBe(alert);
  });
});
