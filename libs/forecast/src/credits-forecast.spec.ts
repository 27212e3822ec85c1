import fc from 'fast-check';
import { DailyUsage, forecastCredits, ForecastInput } from './credits-forecast';

const november = { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' };

function given(overrides: Partial<ForecastInput>): ForecastInput {
  return {
    now: '2026-11-15T12:00:00.000Z',
    period: november,
    totalAvailableMicro: 5_000_000n,
    dailyUsage: [],
    ...overrides,
  };
}

function everyDay(fromDay: number, toDay: number, totalMicro: bigint): DailyUsage[] {
  return Array.from({ length: toDay - fromDay + 1 }, (_, index) => ({
    day: `2026-11-${String(fromDay + index).padStart(2, '0')}`,
    totalMicro,
  }));
}

describe('forecastCredits', () => {
  it('says a workspace that burns slowly lasts beyond the period', () => {
    const forecast = forecastCredits(
      given({ dailyUsage: everyDay(1, 15, 10_000n), totalAvailableMicro: 4_850_000n }),
    );
    expect(forecast).toEqual({
      exhaustsAt: null,
      willExhaustThisPeriod: false,
      // 7 days × 10 000 µcr over 6.5 days of window
      dailyBurnMicro: '10770',
      basis: 'trailing-7-days',
    });
  });

  it('names the day credits run out at the trailing seven-day rate', () => {
    // 70 000 µcr over the 6.5 days since Nov 9 00:00; 130 000 µcr left lasts 13 days more.
    const forecast = forecastCredits(
      given({ dailyUsage: everyDay(9, 15, 10_000n), totalAvailableMicro: 140_000n }),
    );
    expect(forecast).toEqual({
      exhaustsAt: '2026-11-28T12:00:00.000Z',
      willExhaustThisPeriod: true,
      dailyBurnMicro: '10770',
      basis: 'trailing-7-days',
    });
  });

  it('ignores usage before the trailing week: the recent rate is what runs a workspace out', () => {
    const early = everyDay(1, 8, 1_000_000n);
    const forecast = forecastCredits(
      given({ dailyUsage: [...early, ...everyDay(9, 15, 0n)], totalAvailableMicro: 100n }),
    );
    expect(forecast).toMatchObject({
      exhaustsAt: null,
      willExhaustThisPeriod: false,
      dailyBurnMicro: '0',
      basis: 'trailing-7-days',
    });
  });

  it('uses the period so far when the period is younger than a week', () => {
    const forecast = forecastCredits(
      given({
        now: '2026-11-03T00:00:00.000Z',
        dailyUsage: everyDay(1, 2, 1_000_000n),
        totalAvailableMicro: 3_000_000n,
      }),
    );
    expect(forecast).toEqual({
      exhaustsAt: '2026-11-06T00:00:00.000Z',
      willExhaustThisPeriod: true,
      dailyBurnMicro: '1000000',
      basis: 'period-to-date',
    });
  });

  it('measures a rate over at least a day, so a first-minute burst does not predict the end within the hour', () => {
    const forecast = forecastCredits(
      given({
        now: '2026-11-01T00:10:00.000Z',
        dailyUsage: [{ day: '2026-11-01', totalMicro: 500_000n }],
        totalAvailableMicro: 4_500_000n,
      }),
    );
    expect(forecast).toEqual({
      exhaustsAt: '2026-11-10T00:10:00.000Z',
      willExhaustThisPeriod: true,
      dailyBurnMicro: '500000',
      basis: 'period-to-date',
    });
  });

  it('reports an exhausted workspace as out of credits now', () => {
    const forecast = forecastCredits(
      given({ dailyUsage: everyDay(9, 15, 700_000n), totalAvailableMicro: 0n }),
    );
    expect(forecast).toEqual({
      exhaustsAt: '2026-11-15T12:00:00.000Z',
      willExhaustThisPeriod: true,
      dailyBurnMicro: '753847',
      basis: 'exhausted',
    });
  });

  it('forecasts nothing before any usage in the period', () => {
    expect(forecastCredits(given({ dailyUsage: [] }))).toEqual({
      exhaustsAt: null,
      willExhaustThisPeriod: false,
      dailyBurnMicro: '0',
      basis: 'no-usage',
    });
  });

  it('forecasts nothing for a workspace without a plan', () => {
    expect(forecastCredits(given({ period: null, totalAvailableMicro: 0n }))).toEqual({
      exhaustsAt: null,
      willExhaustThisPeriod: false,
      dailyBurnMicro: '0',
      basis: 'no-plan',
    });
  });

  it('does not count usage dated after now', () => {
    const forecast = forecastCredits(
      given({ dailyUsage: [{ day: '2026-11-20', totalMicro: 9_000_000n }] }),
    );
    expect(forecast.basis).toBe('no-usage');
  });

  it('never predicts exhaustion after the period ends or before now, and only with usage', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.array(
          fc.tuple(fc.integer({ min: 1, max: 15 }), fc.bigInt({ min: 0n, max: 10n ** 10n })),
          { maxLength: 20 },
        ),
        (available, days) => {
          const dailyUsage = days.map(([day, totalMicro]) => ({
            day: `2026-11-${String(day).padStart(2, '0')}`,
            totalMicro,
          }));
          const forecast = forecastCredits(given({ totalAvailableMicro: available, dailyUsage }));
          expect(forecast.willExhaustThisPeriod).toBe(forecast.exhaustsAt !== null);
          if (forecast.exhaustsAt !== null) {
            expect(forecast.exhaustsAt >= '2026-11-15T12:00:00.000Z').toBe(true);
            expect(forecast.exhaustsAt < november.end).toBe(true);
            expect(BigInt(forecast.dailyBurnMicro) > 0n).toBe(true);
          }
        },
      ),
    );
  });
});
