import { CreditsErrorCode } from '@tally/credits';
import { LedgerErrorCode } from '@tally/ledger';
import { ApiErrorCode } from '../errors/api-error-code';
import { ApiException } from '../errors/api.exception';
import { statusOfOutcome } from './ledger-outcome';

function thrownBy(run: () => unknown): ApiException {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiException) return error;
    throw error;
  }
  throw new Error('statusOfOutcome did not throw');
}

describe('the HTTP answer to a pack or grant the ledger executed', () => {
  it('answers 201 for a first application and 200 for a replay with the same content', () => {
    expect(statusOfOutcome({ kind: 'applied', events: [], eventIds: [] })).toEqual({
      status: 201,
      replayed: false,
    });
    expect(statusOfOutcome({ kind: 'duplicate' })).toEqual({ status: 200, replayed: true });
  });

  it('answers 409 with what was applied when the ledger refuses a replay as IDEMPOTENCY_CONFLICT', () => {
    const applied = { paymentRef: 'pay-1', credits: '10', creditsMicro: '10000000' };
    const error = thrownBy(() =>
      statusOfOutcome({
        kind: 'rejected',
        code: LedgerErrorCode.IdempotencyConflict,
        message: 'other content',
        details: { applied },
      }),
    );
    expect(error.code).toBe(ApiErrorCode.IdempotencyConflict);
    expect(error.details).toEqual({ applied });
  });

  it("answers 400 naming the domain's or the store's refusal as the reason", () => {
    for (const code of [CreditsErrorCode.PeriodOutdated, LedgerErrorCode.StoreRejected]) {
      const error = thrownBy(() => statusOfOutcome({ kind: 'rejected', code, message: 'refused' }));
      expect(error.code).toBe(ApiErrorCode.CommandRejected);
      expect(error.details).toEqual({ reason: code });
    }
  });
});
