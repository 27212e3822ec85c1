import { DynamicModule, Module, Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { NoQueryParamsInterceptor } from './boundary/no-query-params.interceptor';
import type { SqlClient } from '@tally/event-store';
import { PriceBooks, WorkspaceLedger } from '@tally/ledger';
import type { MessageBus } from '@tally/messaging';
import type { Logger } from '@tally/observability';
import { ProjectionQueries } from '@tally/projections';
import { AuthGuard } from './auth/auth.guard';
import { TokenVerifier } from './auth/token-verifier';
import { BillingPageController } from './billing-page/billing-page.controller';
import {
  API_LOGGER,
  BILLING_API_CONFIG,
  BillingApiConfig,
  MESSAGE_BUS,
  SQL_CLIENT,
} from './billing-api.config';
import { CreditPacksController } from './buy-credit-pack/credit-packs.controller';
import { ApiExceptionFilter } from './errors/api-exception.filter';
import { CreditGrantsController } from './grant-credits/credit-grants.controller';
import { HealthController } from './health/health.controller';
import { PriceBooksController } from './price-books/price-books.controller';
import { ReservationsController } from './reserve-credits/reservations.controller';
import { HttpMetrics } from './health/http-metrics';
import { EventsController } from './publish-events/events.controller';
import { ReadCreditsController } from './read-credits/read-credits.controller';
import { BalanceChanges } from './stream-balance/balance-changes';
import { BalanceStreamController } from './stream-balance/balance-stream.controller';

export interface BillingApiModuleOptions {
  config: BillingApiConfig;
  sql: SqlClient;
  bus: MessageBus;
  ledger: WorkspaceLedger;
  priceBooks: PriceBooks;
  logger: Logger;
  metrics: HttpMetrics;
  rateLimitPerSecond: number;
  tokens: TokenVerifier;
}

/** Every controller the API serves; the route-walk test checks each declares its access. */
export const BILLING_API_CONTROLLERS = [
  ReadCreditsController,
  BalanceStreamController,
  CreditPacksController,
  CreditGrantsController,
  PriceBooksController,
  ReservationsController,
  EventsController,
  HealthController,
  BillingPageController,
];

@Module({})
export class BillingApiModule {
  static register(options: BillingApiModuleOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: BILLING_API_CONFIG, useValue: options.config },
      { provide: SQL_CLIENT, useValue: options.sql },
      { provide: MESSAGE_BUS, useValue: options.bus },
      { provide: API_LOGGER, useValue: options.logger },
      { provide: WorkspaceLedger, useValue: options.ledger },
      { provide: PriceBooks, useValue: options.priceBooks },
      { provide: ProjectionQueries, useValue: new ProjectionQueries(options.sql) },
      { provide: HttpMetrics, useValue: options.metrics },
      { provide: TokenVerifier, useValue: options.tokens },
      BalanceChanges,
      // Guards run in this order: the rate limit first, then authentication and scopes (closed
      // by default: see auth/route-access.ts).
      { provide: APP_GUARD, useClass: ThrottlerGuard },
      { provide: APP_GUARD, useClass: AuthGuard },
      { provide: APP_INTERCEPTOR, useClass: NoQueryParamsInterceptor },
      {
        provide: APP_FILTER,
        useFactory: (logger: Logger) => new ApiExceptionFilter(logger),
        inject: [API_LOGGER],
      },
    ];
    return {
      module: BillingApiModule,
      imports: [
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', ttl: 1_000, limit: options.rateLimitPerSecond }],
          errorMessage: `too many requests: at most ${options.rateLimitPerSecond} a second from one client; retry after the seconds Retry-After gives`,
        }),
      ],
      controllers: BILLING_API_CONTROLLERS,
      providers,
    };
  }
}
