import {
  CreditEvent,
  CreditsDomainError,
  createDecider,
  evolve,
  WorkspaceCommand,
  WorkspaceDecider,
  WorkspaceState,
} from '@tally/credits';
import { encodeCreditEvent } from './credit-event.codec';
import {
  AlongsideWrites,
  AppendResult,
  DuplicateEventError,
  EventData,
  EventStore,
  HeldStreamMovedError,
  SqlClient,
  StreamAppend,
  WrongExpectedRevisionError,
} from '@tally/event-store';
import { ledgerMigrated } from './ledger.migrations';
import { loadPriceBooks, PRICE_BOOKS_STREAM } from './price-book-stream';
import { reservationRowsOf, reservationRowWrites } from './reservation-rows';
import { deadlineWrites, nextDeadlineOf } from './workspace-deadlines';
import type { InlineReadModel } from './inline-read-model';
import { storedEventId } from './event-ids';
import { LedgerErrorCode, RefusalCode } from './ledger-error-code';
import { carriesContent, replayConflictOf } from './replay-conflicts';
import { WorkspaceCache } from './workspace-cache';
import { LoadedWorkspace, loadWorkspaces } from './workspace-loader';
import { WorkspaceSnapshot, WorkspaceSnapshots } from './workspace-snapshots';
import { workspaceStreamName } from './workspace-stream';

/** A command plus the key that makes it idempotent (upstream eventId, paymentRef, reference). */
export interface KeyedCommand {
  command: WorkspaceCommand;
  idempotencyKey: string;
}

/** `duplicate`: changed nothing, because it was applied before (by id, or as the domain saw). */
export type CommandOutcome =
  | { kind: 'applied'; events: CreditEvent[]; eventIds: string[] }
  | { kind: 'duplicate' }
  | {
      kind: 'rejected';
      code: RefusalCode;
      message: string;
      details?: unknown;
    };

export interface WorkspaceLedgerOptions {
  cacheSizeMax?: number;
  /** Where snapshots are kept; without it every cold load reads back to the period's start. */
  snapshots?: WorkspaceSnapshots;
  /** Events appended to a workspace after its last snapshot before the next one is taken. */
  snapshotEveryEvents?: number;
  /** A snapshot that could not be saved (the batch itself has committed; it only costs reads). */
  onSnapshotError?: (error: unknown) => void;
  /** The clock that stamps the default price book when this ledger publishes it first. */
  now?: () => Date;
  /**
   * Read models written with the events, in the append's own statement (inline): true the
   * moment the append commits, whoever the writer (docs/projections.md, "Written with the events").
   */
  readModels?: readonly InlineReadModel[];
}

interface GroupedCall {
  commands: KeyedCommand[];
  resolve: (outcomes: CommandOutcome[]) => void;
  reject: (error: unknown) => void;
}

/** One workspace's part of a batch: its events, the state after them, and its append. */
interface DecidedWorkspace {
  workspaceId: string;
  state: WorkspaceState;
  snapshotRevision: bigint | null;
  decided: CreditEvent[];
  /** Its next deadline before the batch (nextDeadlineOf), to write only a change. */
  deadlineBefore: string | null;
  append: StreamAppend;
}

const conflictRetriesMax = 8;
// Calls of at most this many commands (the routes' one) are appended in groups; the Kafka
// ledger's batches go alone. A group holds at most groupCallsMax calls; at most groupAppendsMax
// groups (of disjoint workspaces) are appended at once, each on its own connection.
const groupedCallCommandsMax = 10;
const groupCallsMax = 500;
// Measured (bench:reservations, 500/s over 1,000 workspaces on two cores): one group at a time
// gave the lowest latency and the highest hot-workspace rate; two or four in flight cost
// PostgreSQL more per hold (smaller groups) than the overlap saved (docs/benchmarks.md).
const groupAppendsMax = 1;
// Two writers that conflicted would likely collide again at once; a short random pause lets
// one of them win.
const conflictBackoffMsMax = 20;
const cacheSizeMaxDefault = 200_000;
const snapshotEveryEventsDefault = 1_000;

/**
 * The one decide-and-append path: the Kafka ledger, the billing API (packs, grants) and the
 * embedded runner all execute commands here. A batch becomes one atomic multi-stream append
 * with an expected revision per workspace; a conflict (another instance wrote first, e.g. after
 * a rebalance) reloads those workspaces and decides again — never overwrites. Actions are
 * priced by the published price books of a known revision, which the append checks under a
 * shared lock (docs/pricing.md): a book published meanwhile makes the batch decide again.
 */
export class WorkspaceLedger {
  private readonly cache: WorkspaceCache;
  private pricing: { revision: bigint; decider: WorkspaceDecider } | undefined;
  /** The last call of this instance that touches each workspace, while it runs. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Small calls waiting for the next group append, in the order they were made. */
  private grouped: GroupedCall[] = [];
  private groupsInFlight = 0;

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlClient,
    private readonly options: WorkspaceLedgerOptions = {},
  ) {
    this.cache = new WorkspaceCache(options.cacheSizeMax ?? cacheSizeMaxDefault);
  }

  /** The decider of the newest price books this ledger has read (read on first use). */
  private async currentPricing(): Promise<{ revision: bigint; decider: WorkspaceDecider }> {
    if (this.pricing === undefined) {
      await ledgerMigrated(this.sql); // the reservation and deadline tables are the ledger's
      const catalog = await loadPriceBooks(this.store, this.options.now ?? (() => new Date()));
      this.pricing = {
        revision: catalog.revision,
        decider: createDecider({ priceBooks: catalog.books }),
      };
    }
    return this.pricing;
  }

  /**
   * Appends in one statement that also writes the ledger's own rows that follow from the events
   * (reservations as they are now, each workspace's next deadline). When the events price an
   * action, that statement also holds the price books' stream shared and checks its revision
   * (the books the actions were priced by are still the newest; a publisher waits for it); a
   * batch that prices nothing (holds, releases, expiries, packs) does not depend on the books.
   * Either way it is one round trip.
   */
  private async appendPriced(
    decided: DecidedWorkspace[],
    pricedAt: bigint,
    rejectDuplicates: boolean,
  ): Promise<AppendResult[]> {
    const pricesActions = decided.some((entry) =>
      entry.decided.some((event) => event.type === 'CreditDebited'),
    );
    return await this.store.appendMany(
      decided.map((entry) => entry.append),
      {
        rejectDuplicates,
        alongside: ledgerRowsOf(decided, this.options.readModels ?? []),
        ...(pricesActions
          ? { holding: { streamName: PRICE_BOOKS_STREAM, revision: pricedAt } }
          : {}),
      },
    );
  }

  private get snapshotEveryEvents(): number {
    return this.options.snapshotEveryEvents ?? snapshotEveryEventsDefault;
  }

  private async saveSnapshots(due: WorkspaceSnapshot[]): Promise<void> {
    if (!this.options.snapshots || due.length === 0) return;
    try {
      await this.options.snapshots.save(due);
    } catch (error) {
      this.options.onSnapshotError?.(error);
    }
  }

  /**
   * The next deadline of each workspace as its stream says now (null: none), for a deadline row
   * that turned out stale. Reads each workspace fresh from the store.
   */
  async nextDeadlines(workspaceIds: string[]): Promise<Map<string, string | null>> {
    for (const workspaceId of workspaceIds) this.cache.forget(workspaceId);
    const loaded = await loadWorkspaces(this.store, workspaceIds, this.options.snapshots);
    return new Map(
      workspaceIds.map((workspaceId) => {
        const workspace = loaded.get(workspaceId);
        return [workspaceId, workspace === undefined ? null : nextDeadlineOf(workspace.state)];
      }),
    );
  }

  /** Drops every cached state, e.g. when partitions were reassigned. */
  forgetAll(): void {
    this.cache.clear();
  }

  /**
   * Decides and appends the commands, in order per workspace. Small calls (a route's one
   * command) are appended in groups — one transaction for many concurrent requests (group
   * commit) — with up to `groupAppendsMax` groups of disjoint workspaces in flight at once. A
   * call whose workspace is being appended waits for that append, then goes in the next group
   * with every other call waiting on it. Calls that share a workspace run one after the other in
   * this instance, in the order they were made, so concurrent requests on one workspace never
   * conflict with each other here; only another instance's writes can (and are decided again).
   */
  execute(commands: KeyedCommand[]): Promise<CommandOutcome[]> {
    if (commands.length > groupedCallCommandsMax) return this.executeInOrder(commands);
    return new Promise((resolve, reject) => {
      this.grouped.push({ commands, resolve, reject });
      this.startGroups();
    });
  }

  /** Starts a group of the waiting calls whose workspaces are free, while a slot is. */
  private startGroups(): void {
    while (this.groupsInFlight < groupAppendsMax) {
      const group = this.takeGroup();
      if (group.length === 0) return;
      this.groupsInFlight += 1;
      void this.appendGroup(group).finally(() => {
        this.groupsInFlight -= 1;
        this.startGroups();
      });
    }
  }

  /**
   * The waiting calls, in order, that touch no workspace being appended; a call that does is
   * left waiting, and so is every later call sharing a workspace with it (order per workspace).
   */
  private takeGroup(): GroupedCall[] {
    const taken: GroupedCall[] = [];
    const left: GroupedCall[] = [];
    const blocked = new Set<string>();
    for (const call of this.grouped) {
      const workspaceIds = call.commands.map((keyed) => keyed.command.workspaceId);
      const free = workspaceIds.every((id) => !this.inFlight.has(id) && !blocked.has(id));
      if (free && taken.length < groupCallsMax) taken.push(call);
      else {
        left.push(call);
        for (const id of workspaceIds) blocked.add(id);
      }
    }
    this.grouped = left;
    return taken;
  }

  private async appendGroup(group: GroupedCall[]): Promise<void> {
    try {
      const outcomes = await this.executeInOrder(group.flatMap((call) => call.commands));
      let from = 0;
      for (const call of group) {
        call.resolve(outcomes.slice(from, from + call.commands.length));
        from += call.commands.length;
      }
    } catch (error) {
      if (group.length === 1) {
        group[0]?.reject(error);
        return;
      }
      // One call's failure is that call's: each runs alone again, and fails or succeeds alone.
      for (const call of group)
        await this.executeInOrder(call.commands).then(call.resolve, call.reject);
    }
  }

  private async executeInOrder(commands: KeyedCommand[]): Promise<CommandOutcome[]> {
    const workspaceIds = new Set(commands.map((keyed) => keyed.command.workspaceId));
    const earlier = [...workspaceIds].map((workspaceId) => this.inFlight.get(workspaceId));
    let done!: () => void;
    const turn = new Promise<void>((resolve) => (done = resolve));
    for (const workspaceId of workspaceIds) this.inFlight.set(workspaceId, turn);
    try {
      await Promise.all(earlier);
      return await this.executeInTurn(commands);
    } finally {
      done();
      for (const workspaceId of workspaceIds) {
        if (this.inFlight.get(workspaceId) === turn) this.inFlight.delete(workspaceId);
      }
      // Calls left waiting on these workspaces (by a large call, e.g. a Kafka batch) may go now.
      if (this.grouped.length > 0) this.startGroups();
    }
  }

  private async executeInTurn(commands: KeyedCommand[]): Promise<CommandOutcome[]> {
    // Redelivered commands are rare: the first try skips the lookup of stored ids and asks the
    // store to reject the whole append if any id is already there (one round trip, and no
    // second probe of the id index). Only then does it look the ids up and decide again.
    let lookUpStoredIds = false;
    const firstIds = commands.map((keyed) => storedEventId(keyed.idempotencyKey));
    for (let attempt = 1; ; attempt += 1) {
      const pricing = await this.currentPricing();
      const outcomes = await this.markDuplicates(commands, firstIds, lookUpStoredIds);
      const workspaces = await this.workspacesFor(commands, outcomes);
      const appends = this.decideAll(pricing.decider, commands, firstIds, outcomes, workspaces);
      try {
        const results = await this.appendPriced(appends, pricing.revision, !lookUpStoredIds);
        const due: WorkspaceSnapshot[] = [];
        results.forEach((result, index) => {
          const entry = appends[index];
          if (!entry) return;
          if (result.duplicateCount > 0) {
            // Some of our ids were written by someone else meanwhile: our state is a guess.
            this.cache.forget(entry.workspaceId);
            return;
          }
          const revision = result.nextExpectedRevision;
          const snapshotDue =
            revision - (entry.snapshotRevision ?? -1n) >= BigInt(this.snapshotEveryEvents);
          if (snapshotDue)
            due.push({ workspaceId: entry.workspaceId, revision, state: entry.state });
          this.cache.set(entry.workspaceId, {
            state: entry.state,
            revision,
            snapshotRevision:
              snapshotDue && this.options.snapshots ? revision : entry.snapshotRevision,
          });
        });
        await this.saveSnapshots(due);
        return await this.settleRecognised(
          commands,
          firstIds,
          outcomes.map((outcome) => outcome ?? { kind: 'duplicate' }),
        );
      } catch (error) {
        if (error instanceof DuplicateEventError && !lookUpStoredIds) {
          lookUpStoredIds = true;
          continue;
        }
        if (error instanceof HeldStreamMovedError && attempt < conflictRetriesMax) {
          this.pricing = undefined;
          continue;
        }
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= conflictRetriesMax)
          throw error;
        for (const entry of appends) this.cache.forget(entry.workspaceId);
        await new Promise((resolve) =>
          setTimeout(resolve, Math.random() * conflictBackoffMsMax * attempt),
        );
      }
    }
  }

  /**
   * The rare outcomes that need the store once more: a pack or grant recognised as applied
   * before is a replay only with the same content (else IDEMPOTENCY_CONFLICT, naming what was
   * applied), and a refusal of a command that was applied before is a redelivery, not an error
   * (an older period start that did open its period once).
   */
  private async settleRecognised(
    commands: KeyedCommand[],
    firstIds: string[],
    outcomes: CommandOutcome[],
  ): Promise<CommandOutcome[]> {
    const refusedIds = outcomes.flatMap((outcome, index) =>
      outcome.kind === 'rejected' ? [firstIds[index] as string] : [],
    );
    const storedRefused =
      refusedIds.length === 0 ? new Set<string>() : await this.store.existingEventIds(refusedIds);
    const settled: CommandOutcome[] = [];
    for (const [index, outcome] of outcomes.entries()) {
      const { command } = commands[index] as KeyedCommand;
      const id = firstIds[index] as string;
      if (outcome.kind === 'rejected' && storedRefused.has(id)) {
        settled.push({ kind: 'duplicate' });
      } else if (outcome.kind === 'duplicate' && carriesContent(command)) {
        const conflict = await replayConflictOf(this.store, command, id);
        settled.push(
          conflict === null
            ? outcome
            : {
                kind: 'rejected',
                code: LedgerErrorCode.IdempotencyConflict,
                message: conflict.message,
                details: { applied: conflict.applied },
              },
        );
      } else {
        settled.push(outcome);
      }
    }
    return settled;
  }

  /** `firstIds[i]`: the stored id of the first event command i would append. */
  private async markDuplicates(
    commands: KeyedCommand[],
    firstIds: string[],
    lookUpStoredIds: boolean,
  ): Promise<(CommandOutcome | undefined)[]> {
    const stored = lookUpStoredIds
      ? await this.store.existingEventIds(firstIds)
      : new Set<string>();
    const seen = new Set<string>();
    return commands.map((keyed, index) => {
      const id = firstIds[index] as string;
      if (stored.has(id) || seen.has(id)) return { kind: 'duplicate' };
      seen.add(id);
      return undefined;
    });
  }

  private async workspacesFor(
    commands: KeyedCommand[],
    outcomes: (CommandOutcome | undefined)[],
  ): Promise<Map<string, LoadedWorkspace>> {
    const needed = new Set<string>();
    commands.forEach((keyed, index) => {
      if (outcomes[index] === undefined) needed.add(keyed.command.workspaceId);
    });
    const workspaces = new Map<string, LoadedWorkspace>();
    const missing: string[] = [];
    for (const workspaceId of needed) {
      const cached = this.cache.get(workspaceId);
      if (cached) workspaces.set(workspaceId, cached);
      else missing.push(workspaceId);
    }
    for (const [workspaceId, loaded] of await loadWorkspaces(
      this.store,
      missing,
      this.options.snapshots,
    )) {
      workspaces.set(workspaceId, loaded);
      this.cache.set(workspaceId, loaded);
    }
    return workspaces;
  }

  private decideAll(
    decider: WorkspaceDecider,
    commands: KeyedCommand[],
    firstIds: string[],
    outcomes: (CommandOutcome | undefined)[],
    workspaces: Map<string, LoadedWorkspace>,
  ): DecidedWorkspace[] {
    const pending = new Map<
      string,
      LoadedWorkspace & {
        events: EventData[];
        decided: CreditEvent[];
        deadlineBefore: string | null;
      }
    >();
    commands.forEach((keyed, index) => {
      if (outcomes[index] !== undefined) return;
      const workspaceId = keyed.command.workspaceId;
      const loaded = workspaces.get(workspaceId) as LoadedWorkspace;
      const entry = pending.get(workspaceId) ?? {
        ...loaded,
        events: [],
        decided: [],
        deadlineBefore: nextDeadlineOf(loaded.state),
      };
      pending.set(workspaceId, entry);
      let decided: CreditEvent[];
      try {
        decided = decider.decide(keyed.command, entry.state);
      } catch (error) {
        outcomes[index] = rejectionOf(error);
        return;
      }
      if (decided.length === 0) {
        // The domain recognised it (a redelivered period start, a pack or grant it remembers).
        outcomes[index] = { kind: 'duplicate' };
        return;
      }
      const eventIds = decided.map((_, eventIndex) =>
        eventIndex === 0
          ? (firstIds[index] as string)
          : storedEventId(keyed.idempotencyKey, eventIndex),
      );
      for (const [eventIndex, event] of decided.entries()) {
        entry.state = evolve(entry.state, event);
        entry.decided.push(event);
        entry.events.push({ id: eventIds[eventIndex] as string, ...encodeCreditEvent(event) });
      }
      outcomes[index] = { kind: 'applied', events: decided, eventIds };
    });
    return [...pending.entries()]
      .filter(([, entry]) => entry.events.length > 0)
      .map(([workspaceId, entry]) => ({
        workspaceId,
        state: entry.state,
        snapshotRevision: entry.snapshotRevision,
        decided: entry.decided,
        deadlineBefore: entry.deadlineBefore,
        append: {
          streamName: workspaceStreamName(workspaceId),
          events: entry.events,
          expectedRevision: entry.revision === null ? 'no_stream' : entry.revision,
        },
      }));
  }
}

/**
 * The rows that follow from a batch, written alongside its append: each workspace's reservations
 * as its events left them, its next deadline where the batch changed it, and its rows of every
 * inline read model.
 */
function ledgerRowsOf(
  decided: DecidedWorkspace[],
  readModels: readonly InlineReadModel[],
): AlongsideWrites {
  const reservations = decided.flatMap((entry, index) =>
    reservationRowsOf(entry.state, entry.decided).map((row) => ({ row, streamIndex: index + 1 })),
  );
  const deadlines = decided.flatMap((entry, index) => {
    const dueAt = nextDeadlineOf(entry.state);
    return dueAt === entry.deadlineBefore
      ? []
      : [{ change: { workspaceId: entry.workspaceId, dueAt }, streamIndex: index + 1 }];
  });
  return (bind) => [
    ...reservationRowWrites(
      bind,
      reservations.map((each) => each.row),
      reservations.map((each) => each.streamIndex),
    ),
    ...deadlineWrites(
      bind,
      deadlines.map((each) => each.change),
      deadlines.map((each) => each.streamIndex),
    ),
    ...readModels.flatMap((model) =>
      model.writes(
        bind,
        decided.map((entry, index) => ({ state: entry.state, streamIndex: index + 1 })),
      ),
    ),
  ];
}

/** The domain's refusals are CreditsDomainErrors; anything else is a bug and propagates. */
function rejectionOf(error: unknown): CommandOutcome {
  if (error instanceof CreditsDomainError)
    return { kind: 'rejected', code: error.code, message: error.message, details: error.details };
  throw error;
}
