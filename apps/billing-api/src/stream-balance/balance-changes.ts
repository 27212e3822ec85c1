import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { SqlClient } from '@tally/event-store';
import { BALANCE_CHANGED_CHANNEL } from '@tally/projections';
import { filter, interval, map, merge, Observable, Subject } from 'rxjs';
import { SQL_CLIENT, STREAM_POLL_INTERVAL_MS } from '../billing-api.config';

/**
 * One LISTEN for the whole API on the balance projection's NOTIFY (sent in the transaction
 * that changed the row), fanned out per workspace; a slow poll covers a lost notification.
 */
@Injectable()
export class BalanceChanges implements OnModuleInit, OnModuleDestroy {
  private readonly changed = new Subject<string>();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(@Inject(SQL_CLIENT) private readonly sql: SqlClient) {}

  async onModuleInit(): Promise<void> {
    this.unlisten = await this.sql.listen(BALANCE_CHANGED_CHANNEL, (workspaceId) =>
      this.changed.next(workspaceId),
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.changed.complete();
    await this.unlisten?.();
    this.unlisten = null;
  }

  /** Ticks whenever the workspace's balance may have changed. */
  of(workspaceId: string): Observable<void> {
    return merge(
      this.changed.pipe(filter((changed) => changed === workspaceId)),
      interval(STREAM_POLL_INTERVAL_MS),
    ).pipe(map(() => undefined));
  }
}
