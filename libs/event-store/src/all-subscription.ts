import type { AppendSignal } from './append-signal';
import type {
  EventFilter,
  EventSubscription,
  Position,
  RecordedEvent,
  SubscribeToAllOptions,
} from './event-store.port';
import { comparePositions, START } from './position';
import {
  SUBSCRIPTION_ERROR_RETRY_DELAY_MS,
  SUBSCRIPTION_HANDLER_RETRY_LIMIT,
  SUBSCRIPTION_POLL_INTERVAL_MS,
} from './event-store.limits';

export interface GlobalPage {
  events: RecordedEvent[];
  /** Every transaction below this id had been read when the page was taken. */
  visibleBelow: bigint;
}

export type ReadGlobalPage = (
  from: Position,
  maxCount: number,
  filter: EventFilter | undefined,
) => Promise<GlobalPage>;

const PREPARE_MAX = 2n ** 63n - 1n;

interface PendingPage {
  /** AppendSignal generation when the read started: a later notification means read again. */
  generation: number;
  page: Promise<GlobalPage>;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

// Catch-up then live: reads pages after its cursor, hands each to onEvents (awaited, so a slow
// consumer slows the reads), and once a page comes back short waits for a notification or the
// poll interval. A failing onEvents is retried with the same batch up to the named limit.
export class AllSubscription implements EventSubscription {
  private stopped = false;
  private isCaughtUp = false;
  private cursor: Position;
  private interruptWait: () => void = () => undefined;
  private readonly loop: Promise<void>;

  constructor(
    private readonly readPage: ReadGlobalPage,
    private readonly signal: AppendSignal,
    private readonly options: SubscribeToAllOptions & { batchSizeMax: number },
    private readonly onStopped: (subscription: AllSubscription) => void,
  ) {
    this.cursor = options.fromPosition ?? START;
    this.loop = this.run();
  }

  get caughtUp(): boolean {
    return this.isCaughtUp;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.interruptWait();
    await this.loop;
  }

  private async run(): Promise<void> {
    let handlerFailures = 0;
    let readAhead: PendingPage | undefined;
    while (!this.stopped) {
      const pending = readAhead ?? this.startRead(this.cursor);
      readAhead = undefined;
      let page: GlobalPage;
      try {
        page = await pending.page;
      } catch (error) {
        this.report(error);
        await this.pause(pending.generation, SUBSCRIPTION_ERROR_RETRY_DELAY_MS, false);
        continue;
      }
      if (this.stopped) break;
      const last = page.events[page.events.length - 1];
      const full = page.events.length >= this.options.batchSizeMax;
      if (last) {
        // Read one page ahead while the consumer works: at most two pages are ever in memory.
        if (full) readAhead = this.startRead(last.position);
        try {
          await this.options.onEvents(page.events);
          handlerFailures = 0;
        } catch (error) {
          readAhead = undefined;
          handlerFailures += 1;
          this.report(error);
          if (handlerFailures > SUBSCRIPTION_HANDLER_RETRY_LIMIT) break;
          await this.pause(pending.generation, SUBSCRIPTION_ERROR_RETRY_DELAY_MS, false);
          continue;
        }
        this.cursor = last.position;
      }
      if (!full) {
        this.skipScannedRange(page.visibleBelow);
        this.isCaughtUp = true;
        await this.pause(pending.generation, SUBSCRIPTION_POLL_INTERVAL_MS, true);
      }
    }
    this.stopped = true;
    this.onStopped(this);
  }

  private startRead(from: Position): PendingPage {
    const generation = this.signal.current;
    const page = this.readPage(from, this.options.batchSizeMax, this.options.filter);
    page.catch(() => undefined); // a dropped read-ahead must not become an unhandled rejection
    return { generation, page };
  }

  // A short page means every transaction below visibleBelow was scanned, including events the
  // filter dropped; all later events have a larger transaction id, so the cursor may jump there.
  private skipScannedRange(visibleBelow: bigint): void {
    if (visibleBelow <= 1n) return;
    const scanned: Position = { commit: visibleBelow - 1n, prepare: PREPARE_MAX };
    if (comparePositions(scanned, this.cursor) > 0) this.cursor = scanned;
  }

  private async pause(generation: number, timeoutMs: number, wakeOnAppend: boolean): Promise<void> {
    if (this.stopped) return;
    if (wakeOnAppend) {
      const { done, interrupt } = this.signal.wait(generation, timeoutMs);
      this.interruptWait = interrupt;
      await done;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.interruptWait = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(asError(error));
    } catch {
      // An onError that throws must not kill the loop.
    }
  }
}
