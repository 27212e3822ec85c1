import { Controller, MessageEvent, Param, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ProjectionQueries } from '@tally/projections';
import { concatMap, distinctUntilChanged, from, map, merge, Observable, of, interval } from 'rxjs';
import { RequireScope, Scopes } from '../auth/scopes';
import { STREAM_HEARTBEAT_MS } from '../billing-api.config';
import { WorkspaceParams } from '../read-credits/read-credits.dto';
import { BalanceChanges } from './balance-changes';

/** Server-sent events: the balance body now, then again on every change (`event: balance`). */
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
  stream(@Param() params: WorkspaceParams): Observable<MessageEvent> {
    const balances = merge(of(undefined), this.changes.of(params.id)).pipe(
      concatMap(() => from(this.queries.balance(params.id))),
      distinctUntilChanged((previous, next) => previous.position === next.position),
      map((balance): MessageEvent => ({ type: 'balance', id: balance.position, data: balance })),
    );
    const heartbeats = interval(STREAM_HEARTBEAT_MS).pipe(
      map((): MessageEvent => ({ type: 'heartbeat', data: '' })),
    );
    return merge(balances, heartbeats);
  }
}
