import type { SqlClient } from '@tally/event-store';
import { expireDueCommand } from './reservation-commands';
import { DueWorkspace, selectDueWorkspaces, writeDeadlines } from './workspace-deadlines';
import type { WorkspaceLedger } from './workspace-ledger';

// Time moves without traffic (design section 1, Time): grants and reservations lapse at their
// `expiresAt`. The scheduler polls the next-deadline index (workspace-deadlines.ts) and has the
// ledger decide an ExpireDue for each due workspace, through the one decide-and-append path: the
// expiry is a stored event, its status change publishes its alert, and a second instance that
// acts on the same workspace decides nothing (the first one's events are in the stream).

export interface DeadlineSchedulerOptions {
  /** How often to look for due workspaces when none was due (default 200 ms). */
  pollIntervalMs?: number;
  /** Most workspaces decided in one append (default 500). */
  batchMax?: number;
  now?: () => Date;
  /** Whether this instance acts now (e.g. holds a lease); default: always. */
  mayAct?: () => Promise<boolean>;
  /** How late each due workspace was decided, in ms (a metric, a benchmark). */
  onDecided?: (latenessMs: number[]) => void;
  onError?: (error: unknown) => void;
}

const pollIntervalMsDefault = 200;
const batchMaxDefault = 500;

export class DeadlineScheduler {
  private stopped = true;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly ledger: WorkspaceLedger,
    private readonly sql: SqlClient,
    private readonly options: DeadlineSchedulerOptions = {},
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /** Decides every workspace due by now, a batch at a time; returns how many were due. */
  async decideDue(): Promise<number> {
    const batchMax = this.options.batchMax ?? batchMaxDefault;
    let total = 0;
    for (;;) {
      const now = (this.options.now ?? (() => new Date()))();
      const due = await selectDueWorkspaces(this.sql, now, batchMax);
      if (due.length === 0) return total;
      await this.decide(due, now);
      total += due.length;
      if (due.length < batchMax || this.stopped) return total;
    }
  }

  private async decide(due: DueWorkspace[], now: Date): Promise<void> {
    const processedAt = now.toISOString();
    const outcomes = await this.ledger.execute(
      due.map((workspace) => expireDueCommand(workspace.workspaceId, processedAt)),
    );
    this.options.onDecided?.(due.map((workspace) => now.getTime() - workspace.dueAt.getTime()));
    // A workspace due that decided nothing has a deadline row behind its state (another
    // instance acted first, or the row outlived a write that ended it): set it from the state,
    // or it would be picked again at every poll.
    const stale = due.filter((_, index) => outcomes[index]?.kind !== 'applied');
    if (stale.length === 0) return;
    const deadlines = await this.ledger.nextDeadlines(
      stale.map((workspace) => workspace.workspaceId),
    );
    await writeDeadlines(
      this.sql,
      [...deadlines].map(([workspaceId, dueAt]) => ({ workspaceId, dueAt })),
    );
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const mayAct = (await this.options.mayAct?.()) ?? true;
        if (mayAct) await this.decideDue();
      } catch (error) {
        this.options.onError?.(error);
      }
      await this.pause(this.options.pollIntervalMs ?? pollIntervalMsDefault);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
