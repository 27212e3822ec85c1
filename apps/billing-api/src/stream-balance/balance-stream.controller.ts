import { Controller, MessageEvent, Param, Sse } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
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
import { ApiErrors, WORKSPACE_ERRORS } from '../openapi/api-errors.decorator';
import { WorkspaceParams } from '../read-credits/read-credits.dto';
import { BalanceChanges } from './balance-changes';
import { instantReached } from './instant-reached';

const STREAM_DESCRIPTION =
  'Events: `balance` (id: the position; data: the Balance body as JSON, without `forecast`), ' +
  'sent at once and on every change, and `heartbeat` (empty data; id: the last position sent, ' +
  'so EventSource keeps it) every 15 s. The stream ends when the token expires.';

// One frame of each event, the balance as the stream sends it (every Balance field but forecast).
const STREAMED_BALANCE_EXAMPLE = {
  workspaceId: 'ws-1',
  status: 'active',
  period: { cycle: 'monthly', start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
  allocationMicro: '5000000',
  allocationRemainingMicro: '4999900',
  rolloverMicro: '0',
  grantedMicro: '0',
  purchasedMicro: '0',
  overdraftMicro: '0',
  reservedMicro: '0',
  usedThisPeriodMicro: '100',
  totalAvailableMicro: '4999900',
  position: '42',
  updatedAt: '2026-11-25T10:00:00.000Z',
};
const STREAM_EXAMPLE =
  `event: balance\nid: 42\ndata: ${JSON.stringify(STREAMED_BALANCE_EXAMPLE)}\n\n` +
  'event: heartbeat\nid: 42\ndata: \n\n';

/**
 * Server-sent events: the balance body now, then again on every change (`event: balance`).
 * The stream ends when the token that opened it expires: the guard checked the token once, at
 * the start, and a stream must not outlive the right to read it. EventSource then reconnects
 * with the same token and gets 401 (here, even while the guard's clock tolerance would still
 * let the token through: otherwise each reconnect would get one balance and end again).
 */
@ApiTags('credits')
@Controller('v1/workspaces/:id/credits')
@RequireScope(Scopes.creditsRead)
export class BalanceStreamController {
  constructor(
    private readonly queries: ProjectionQueries,
    private readonly changes: BalanceChanges,
  ) {}

  @Sse('stream')
  @AcceptQueryToken()
  @ApiSecurity('accessToken')
  @ApiOperation({
    operationId: 'streamBalance',
    summary: 'Server-sent events: the balance now and on every change',
    description: STREAM_DESCRIPTION,
  })
  @ApiQuery({
    name: 'access_token',
    required: false,
    description: 'The JWT, for EventSource (which cannot send headers); ignored with a header',
    schema: { type: 'string' },
  })
  @ApiOkResponse({
    description: 'text/event-stream of `balance` and `heartbeat` events until the token expires',
    content: {
      'text/event-stream': {
        schema: { type: 'string', description: 'SSE frames (event, id, data)' },
        example: STREAM_EXAMPLE,
      },
    },
  })
  @ApiErrors(...WORKSPACE_ERRORS)
  stream(
    @Param() params: WorkspaceParams,
    @CurrentPrincipal() principal: Principal,
  ): Observable<MessageEvent> {
    if (principal.expiresAtMs <= Date.now())
      throw new ApiException(ApiErrorCode.Unauthenticated, 'token has expired');
    // A heartbeat repeats the last position as its id: without one, the SSE writer would number
    // it, and EventSource's lastEventId would stop being a position.
    let lastPosition = '0';
    const balances = merge(of(undefined), this.changes.of(params.id)).pipe(
      concatMap(() => from(this.queries.balance(params.id))),
      distinctUntilChanged((previous, next) => previous.position === next.position),
      map((balance): MessageEvent => {
        lastPosition = balance.position;
        return { type: 'balance', id: balance.position, data: balance };
      }),
    );
    const heartbeats = interval(STREAM_HEARTBEAT_MS).pipe(
      map((): MessageEvent => ({ type: 'heartbeat', id: lastPosition, data: '' })),
    );
    return merge(balances, heartbeats).pipe(takeUntil(instantReached(principal.expiresAtMs)));
  }
}
