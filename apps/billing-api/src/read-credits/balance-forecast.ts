import { DAY_MS } from '@tally/contracts';
import { CreditsForecast, FORECAST_TRAILING_DAYS, forecastCredits } from '@tally/forecast';
import type { BalanceView, ProjectionQueries } from '@tally/projections';

/** The balance body (docs/api.md, unchanged) plus the forecast, an additive field. */
export type BalanceWithForecast = BalanceView & { forecast: CreditsForecast };

/** Reads only the days the forecast's rate window can use: the last week of the open period. */
export async function withForecast(
  queries: ProjectionQueries,
  balance: BalanceView,
  nowMs: number,
): Promise<BalanceWithForecast> {
  const now = new Date(nowMs).toISOString();
  const period =
    balance.period === null ? null : { start: balance.period.start, end: balance.period.end };
  let dailyUsage: { day: string; totalMicro: bigint }[] = [];
  if (period !== null) {
    const weekAgoDay = new Date(nowMs - FORECAST_TRAILING_DAYS * DAY_MS).toISOString().slice(0, 10);
    const periodStartDay = period.start.slice(0, 10);
    const fromDay = periodStartDay > weekAgoDay ? periodStartDay : weekAgoDay;
    const toDay = new Date(nowMs + DAY_MS).toISOString().slice(0, 10);
    if (fromDay < toDay) {
      const series = await queries.usageByDay(balance.workspaceId, fromDay, toDay);
      dailyUsage = series.map((bucket) => ({
        day: bucket.bucketStart.slice(0, 10),
        totalMicro: BigInt(bucket.totalMicro),
      }));
    }
  }
  const forecast = forecastCredits({
    now,
    period,
    totalAvailableMicro: BigInt(balance.totalAvailableMicro),
    dailyUsage,
  });
  return { ...balance, forecast };
}
