import {
  actionExecuted,
  ActionExecutedEnvelope,
  CreditsClient,
  CreditsEnvelope,
  CreditsPublisher,
  PublishResult,
  Reservation,
  TallyApiError,
  TallyNetworkError,
} from '@tally/client';
import { Topics } from '@tally/contracts';
import { ActionToPrice, defaultPriceBook, priceAction } from '@tally/credits';
import { ChaosPublisher } from './chaos-kafka';
import { Random } from './chaos-random';
import { ChaosWorkload } from './chaos-workload';
import { ChaosLimits } from './chaos.options';

/**
 * What the driver does with a hold once it is held: `release` settles actions on it and
 * releases the rest (the client's withReservation), `expire` draws on it and lets it lapse at a
 * short `expiresAt` during the run, `keep` draws on it and keeps it past the run's end.
 */
export type HoldKind = 'release' | 'expire' | 'keep';

/** The API's last word on the reserve call: `unanswered` when every attempt failed. */
export type HoldAnswer = 'pending' | 'held' | 'refused' | 'unanswered';

export interface PlannedHold {
  reservationId: string;
  workspaceId: string;
  kind: HoldKind;
  amountMicro: bigint;
  answer: HoldAnswer;
  /** The same reserve again was answered `replayed: true`. */
  replayed: boolean;
  /** The release call answered (a release kind's hold must then have ended). */
  releaseAnswered: boolean;
  releaseCalls: number;
  /** eventIds of the actions published on this reservation. */
  actions: string[];
  /** What the last failed call said, when one failed for good. */
  error?: string;
  /** A short hold's expiresAt passed while its reserve was being retried: no answer, no error. */
  lapsedUnanswered?: true;
  /** Its answer was lost, withReservation's cleanup released it, and the retry found it ended. */
  endedByCleanup?: true;
}

const holdKindShares: [HoldKind, number][] = [
  ['release', 0.45],
  ['expire', 0.35],
  ['keep', 0.2],
];
const onOverdraftWorkspaceShare = 0.1;
const keptHoldLifetimeMs = 23 * 3_600_000;
const drawPollMs = 100;
/** Flows that call twice: a second release, or (kept holds) the same reserve again. */
const againShare = 0.25;

/** One flow's hold and the choices drawn for it. */
interface FlowPlan {
  hold: PlannedHold;
  /** The actions it settles on the hold (built once: a retried flow publishes the same ones). */
  actions: ActionExecutedEnvelope[];
  workMs: number;
  lifetimeMs: number;
  again: boolean;
}

/** The reservation side of the run: every hold it attempted, by reservation id. */
export class ReservationDriver {
  readonly holds = new Map<string, PlannedHold>();
  readonly baseUrl: string;
  private readonly client: CreditsClient;
  private readonly overdraftWorkspaces: string[];
  private flowsDone = 0;
  /** The latest expiresAt asked for a hold meant to expire during the run. */
  latestShortExpiryMs = 0;

  constructor(
    private readonly random: Random,
    private readonly workload: ChaosWorkload,
    publisher: ChaosPublisher,
    api: { baseUrl: string; token: string },
  ) {
    this.baseUrl = api.baseUrl;
    this.overdraftWorkspaces = [...workload.overdraftWorkspaces];
    const settle = new KafkaSettlePublisher(publisher, workload, (workspaceId, reservationId) =>
      this.client.getReservation(workspaceId, reservationId),
    );
    this.client = new CreditsClient({
      ...api,
      publisher: settle,
      retry: { attemptsMax: 8, delayMsInitial: 100, delayMsMax: 2_000 },
      requestTimeoutMs: 10_000,
    });
  }

  get done(): number {
    return this.flowsDone;
  }

  /** Starts `count` flows evenly over `windowMs`, at most a fixed number in flight. */
  async run(
    count: number,
    windowMs: number,
    expiry: { minMs: number; maxMs: number },
  ): Promise<void> {
    const started = Date.now();
    const inFlight = new Set<Promise<void>>();
    for (let index = 0; index < count; index += 1) {
      const wait = started + Math.floor((index * windowMs) / count) - Date.now();
      if (wait > 0) await sleep(wait);
      while (inFlight.size >= ChaosLimits.reservationFlowsConcurrentMax)
        await Promise.race(inFlight);
      const flow = this.flow(this.planFlow(index, expiry)).finally(() => {
        inFlight.delete(flow);
        this.flowsDone += 1;
      });
      inFlight.add(flow);
    }
    await Promise.all(inFlight);
  }

  /** Every random choice of a flow is drawn here, in order, so a seed gives the same holds. */
  private planFlow(index: number, expiry: { minMs: number; maxMs: number }): FlowPlan {
    const onOverdraft = this.random.next() < onOverdraftWorkspaceShare;
    const kind = this.pickKind();
    const hold: PlannedHold = {
      reservationId: `chaos-${this.workload.runTag}-r${index}`,
      workspaceId: this.random.pick(
        onOverdraft ? this.overdraftWorkspaces : this.workload.workspaces,
      ),
      kind,
      // On a tiny allocation, mostly more than is left: CREDITS_INSUFFICIENT.
      amountMicro: BigInt(
        onOverdraft ? this.random.integer(20_000, 2_000_000) : this.random.integer(1_000, 300_000),
      ),
      answer: 'pending',
      replayed: false,
      releaseAnswered: false,
      releaseCalls: 0,
      actions: [],
    };
    this.holds.set(hold.reservationId, hold);
    return {
      hold,
      actions: this.settleActions(hold, kind === 'release' ? 1 : 0, 3),
      workMs: this.random.integer(0, 1_000),
      lifetimeMs:
        kind === 'expire' ? this.random.integer(expiry.minMs, expiry.maxMs) : keptHoldLifetimeMs,
      again: this.random.next() < againShare,
    };
  }

  private pickKind(): HoldKind {
    let roll = this.random.next();
    for (const [kind, share] of holdKindShares) {
      if (roll < share) return kind;
      roll -= share;
    }
    return 'keep';
  }

  private async flow(plan: FlowPlan): Promise<void> {
    try {
      if (plan.hold.kind === 'release') await this.releaseFlow(plan);
      else await this.lapseFlow(plan);
    } catch (error) {
      const pending = plan.hold.answer === 'pending';
      if (pending) plan.hold.answer = 'unanswered';
      // The API refuses an expiresAt already past: a retry that came too late for a short hold.
      const lapsed =
        error instanceof TallyApiError &&
        error.code === 'VALIDATION_FAILED' &&
        plan.hold.kind === 'expire';
      if (pending && lapsed) plan.hold.lapsedUnanswered = true;
      else plan.hold.error = (error as Error).message;
    }
  }

  /** withReservation: reserve, "run" (a short pause), publish the actions on it, release. */
  private async releaseFlow({ hold, actions, workMs, again }: FlowPlan): Promise<void> {
    const result = await withRetries(() =>
      this.client.withReservation(
        hold.workspaceId,
        { reservationId: hold.reservationId, amountMicro: hold.amountMicro },
        async () => {
          hold.answer = 'held';
          await sleep(workMs);
          return actions;
        },
      ),
    );
    if (!result.allowed && result.code === 'RESERVATION_ENDED') {
      // An earlier attempt's hold was stored but its answer lost (the API killed, or its
      // connection cut, after the append); withReservation's cleanup released it before this
      // retry found it ended. Held, then released by the client: the work did not run on it.
      hold.answer = 'held';
      hold.releaseAnswered = true;
      hold.endedByCleanup = true;
      return;
    }
    if (!result.allowed) {
      hold.answer = 'refused';
      return;
    }
    hold.answer = 'held';
    hold.releaseCalls += 1;
    hold.releaseAnswered = true;
    if (again) {
      // A second release must return nothing twice.
      await withRetries(() => this.client.release(hold.workspaceId, hold.reservationId));
      hold.releaseCalls += 1;
    }
  }

  /** reserve with an expiresAt (short, or past the run), publish actions on it, never release. */
  private async lapseFlow({ hold, actions, lifetimeMs, again }: FlowPlan): Promise<void> {
    const request = {
      reservationId: hold.reservationId,
      amountMicro: hold.amountMicro,
      expiresAt: new Date(Date.now() + lifetimeMs),
    };
    if (hold.kind === 'expire')
      this.latestShortExpiryMs = Math.max(this.latestShortExpiryMs, request.expiresAt.getTime());
    const reserved = await withRetries(() => this.client.reserve(hold.workspaceId, request));
    if (!reserved.allowed) {
      hold.answer = 'refused';
      return;
    }
    hold.answer = 'held';
    if (actions.length > 0) await this.client.publish(actions);
    if (again && hold.kind === 'keep') {
      // The same reserve again is a replay, never a second hold.
      const replay = await withRetries(() => this.client.reserve(hold.workspaceId, request));
      hold.replayed = replay.allowed && replay.replayed;
    }
  }

  /** Between `min` and `max` actions on the hold, with eventIds of its own (a retry repeats them). */
  private settleActions(hold: PlannedHold, min: number, max: number): ActionExecutedEnvelope[] {
    const count = this.random.integer(min, max);
    return Array.from({ length: count }, (_, index) => {
      const action = this.workload.randomAction(this.random);
      const eventId = `${hold.reservationId}.a${index}`;
      hold.actions.push(eventId);
      return actionExecuted({
        workspaceId: hold.workspaceId,
        eventId,
        reservationId: hold.reservationId,
        source: action.kind === 'ai.generate' ? 'ai-agent' : 'workflow',
        action,
      });
    });
  }
}

/**
 * Settles over Kafka as a service would, through the driver's publisher (its retries outlast a
 * broker restart), and registers each action with the expected ledger. Then it waits, a bounded
 * time, until the hold shows the actions drawn (or has ended), so most settles reach the ledger
 * before the release; those that do not (a ledger down) are debited on an ended hold.
 */
class KafkaSettlePublisher implements CreditsPublisher {
  constructor(
    private readonly publisher: ChaosPublisher,
    private readonly workload: ChaosWorkload,
    private readonly reservationOf: (
      workspaceId: string,
      reservationId: string,
    ) => Promise<Reservation | null>,
  ) {}

  async publish(messages: readonly CreditsEnvelope[]): Promise<PublishResult> {
    const actions = messages.filter(
      (message): message is ActionExecutedEnvelope => message.type === 'ActionExecuted',
    );
    if (actions.length !== messages.length)
      throw new Error('assertion failed: the chaos driver settles actions only');
    let pricedMicro = 0n;
    const chaosMessages = actions.map((envelope) => {
      const message = { key: envelope.workspaceId, value: JSON.stringify(envelope) };
      const amountMicro = priceAction(
        envelope.action as ActionToPrice,
        defaultPriceBook,
      ).amountMicro;
      pricedMicro += amountMicro;
      this.workload.addPublished(
        envelope.eventId,
        {
          workspaceId: envelope.workspaceId,
          amountMicro,
          ...(envelope.reservationId === undefined
            ? {}
            : { reservationId: envelope.reservationId }),
        },
        message,
      );
      return message;
    });
    await this.publisher.publish(Topics.actionExecuted, chaosMessages);
    const first = actions[0];
    if (first?.reservationId !== undefined)
      await this.waitDrawn(first.workspaceId, first.reservationId, pricedMicro);
    return { accepted: messages.length, rejected: [] };
  }

  private async waitDrawn(
    workspaceId: string,
    reservationId: string,
    pricedMicro: bigint,
  ): Promise<void> {
    const deadline = Date.now() + ChaosLimits.settleWaitMsMax;
    while (Date.now() < deadline) {
      const reservation = await this.reservationOf(workspaceId, reservationId).catch(() => null);
      if (reservation && (reservation.status !== 'held' || reservation.spentMicro >= pricedMicro))
        return;
      await sleep(drawPollMs);
    }
  }
}

/**
 * A call again after the client's own retries gave up on the network or a 5xx (the API killed
 * for longer than they last). Every call is idempotent by its reservation id.
 */
async function withRetries<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const transient =
        error instanceof TallyNetworkError ||
        (error instanceof TallyApiError && error.status >= 500) ||
        (error instanceof Error && error.name === 'SettlementError');
      if (!transient || attempt >= ChaosLimits.reservationCallAttemptsMax) throw error;
      await sleep(1_000);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
