export {
  FORECAST_TRAILING_DAYS,
  FORECAST_WINDOW_MIN_MS,
  forecastCredits,
} from './credits-forecast';
export type { CreditsForecast, DailyUsage, ForecastBasis, ForecastInput } from './credits-forecast';
