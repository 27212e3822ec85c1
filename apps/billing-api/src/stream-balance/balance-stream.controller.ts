import { Controller, MessageEvent, Param, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ProjectionQueries } from '@tally/projections';
import {
  concatMap,
  distinctUntilChanged,
  from,
  interval,
  map,
  merge,
  Observable,
  of,
  takeUntil,
} from 'rxjs';
import { CurrentPrincipal } from '../auth/auth.guard';
import { AcceptQueryToken } from '../auth/route-access';
import { Principal, RequireScope, Scopes } from '../auth/scopes';
import { STREAM_HEARTBEAT_MS } from '../billing-api.config';
import { ApiErrorCode } from '../errors/api-error-code';
import { ApiException } from '../errors/api.exception';
import { WorkspaceParams } from '../read-credits/read-credits.dto';
import { BalanceChanges } from './balance-changes';
import { instantReached } from './instant-reached';

/**
 * Server-sent events: the balance body now, then again on every change (`event: balance`).
 * The stream ends when the token that opened it expires: the guard checked the token once, at
 * the start, and a stream must not outlive the right to read it. EventSource then reconnects
 * with the same token and gets 401 (here, even while the guard's clock tolerance would still
 * let the token through: otherwise each reconnect would get one balance and end again).
 */
@ApiTags('credits')
@ApiBearerAuth()
@Controller('v1/workspaces/:id/credits')
@RequireScope(Scopes.creditsRead)
export class BalanceStreamController {
  constructor(
    private readonly queries: ProjectionQueries,
    private readonly changes: BalanceChanges,
  ) {}

  @Sse('stream')
  @AcceptQueryToken()
  stream(
    @Param() params: WorkspaceParams,
    @CurrentPrincipal() principal: Principal,
  ): Observable<MessageEvent> {
    if (principal.expiresAtMs <= Date.now())
      throw new ApiException(ApiErrorCode.Unauthenticated, 'token has expired');
    const balances = merge(of(undefined), this.changes.of(params.id)).pipe(
      concatMap(() => from(this.queries.balance(params.id))),
      distinctUntilChanged((previous, next) => previous.position === next.position),
      map((balance): MessageEvent => ({ type: 'balance', id: balance.position, data: balance })),
    );
    const heartbeats = interval(STREAM_HEARTBEAT_MS).pipe(
      map((): MessageEvent => ({ type: 'heartbeat', data: '' })),
    );
    return merge(balances, heartbeats).pipe(takeUntil(instantReached(principal.expiresAtMs)));
  }
}
