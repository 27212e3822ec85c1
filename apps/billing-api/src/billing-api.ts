import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { parseCreditsToMicro } from '@tally/contracts';
import type { EventStore, SqlClient } from '@tally/event-store';
import { PriceBooks, WorkspaceLedger } from '@tally/ledger';
import type { MessageBus } from '@tally/messaging';
import { createLogger, Logger } from '@tally/observability';
import { inlineReadModels, migrateProjections } from '@tally/projections';
import { AuthOptions, tokenVerifierFor } from './auth/auth-options';
import { BillingApiModule } from './billing-api.module';
import {
  ApiTopicNames,
  apiTopicNamesOf,
  BODY_SIZE_MAX_BYTES,
  PACK_SIZES_CREDITS_DEFAULT,
  RATE_LIMIT_PER_SECOND_DEFAULT,
} from './billing-api.config';
import { answerClientErrorsAsJson } from './boundary/client-errors';
import { checkedTrustProxy } from './boundary/client-limits';
import { isJsonBodyToRead, requireJsonContentType, verifyJsonBody } from './boundary/json-body';
import { JsonShapePipe } from './boundary/json-shape.pipe';
import { validationException } from './errors/validation-exception.factory';
import { HttpMetrics } from './health/http-metrics';
import { createApiDocument } from './openapi/api-document';
import { HELMET_OPTIONS } from './security-headers';

export interface BillingApiDependencies {
  store: EventStore;
  sql: SqlClient;
  bus: MessageBus;
  /** HS256 secret (at least 16 characters); optional when `auth` names a JWKS. */
  jwtSecret?: string;
  /** Token lifetime maximum and the identity provider's JWKS, if any. */
  auth?: AuthOptions;
  /** Share the embedded runner's ledger (one cache); default: a ledger of the API's own. */
  ledger?: WorkspaceLedger;
  /** Pack sizes in credits; default 10, 50, 100, 500. */
  packSizesCredits?: readonly string[];
  /** Requests per client per second; default 1000. */
  rateLimitPerSecond?: number;
  /** The reverse proxies whose X-Forwarded-For names the client (ClientLimits); default none. */
  trustProxy?: number | string;
  /** Default: `TALLY_TOPIC_ACTION_EXECUTED` / `TALLY_TOPIC_SUBSCRIPTION`, else the brief's names. */
  topics?: ApiTopicNames;
  logger?: Logger;
}

/**
 * Builds the billing API (docs/api.md) on the given store, SQL client and bus, migrated and
 * initialised but not listening: call `app.listen(port)`, and `app.close()` to stop.
 */
export async function createBillingApi(
  deps: BillingApiDependencies,
): Promise<NestExpressApplication> {
  const tokens = tokenVerifierFor(deps.jwtSecret, deps.auth);
  const trustProxy = deps.trustProxy === undefined ? undefined : checkedTrustProxy(deps.trustProxy);
  const packSizesMicro = (deps.packSizesCredits ?? PACK_SIZES_CREDITS_DEFAULT).map((credits) => {
    const micro = parseCreditsToMicro(credits);
    if (micro === null || micro <= 0n)
      throw new Error(`pack size "${credits}" is not a positive credits amount`);
    return micro;
  });
  await migrateProjections(deps.sql);
  const logger = deps.logger ?? createLogger('billing-api');
  const metrics = new HttpMetrics();
  const module = BillingApiModule.register({
    config: { packSizesMicro, topics: apiTopicNamesOf(deps.topics) },
    tokens,
    sql: deps.sql,
    bus: deps.bus,
    ledger:
      deps.ledger ??
      new WorkspaceLedger(deps.store, deps.sql, { readModels: await inlineReadModels(deps.sql) }),
    priceBooks: new PriceBooks(deps.store),
    logger,
    metrics,
    rateLimitPerSecond: deps.rateLimitPerSecond ?? RATE_LIMIT_PER_SECOND_DEFAULT,
  });
  const app = await NestFactory.create<NestExpressApplication>(module, {
    logger: false,
    bodyParser: false,
    // A failure while building the app is the caller's to handle (main's exitOnStartFailure
    // prints it and exits), not a process.exit(1) from inside Nest.
    abortOnError: false,
  });
  // Express's "trust proxy": the limiter's client is then the address the proxies report.
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy);
  app.use(metrics.middleware);
  app.disable('x-powered-by');
  app.use(helmet(HELMET_OPTIONS));
  app.use(requireJsonContentType);
  app.useBodyParser('json', {
    limit: BODY_SIZE_MAX_BYTES,
    verify: verifyJsonBody,
    type: isJsonBodyToRead,
  });
  app.useGlobalPipes(
    new JsonShapePipe(),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationException,
    }),
  );
  SwaggerModule.setup('docs', app, createApiDocument(app));
  await app.init();
  answerClientErrorsAsJson(app.getHttpServer());
  return app;
}
