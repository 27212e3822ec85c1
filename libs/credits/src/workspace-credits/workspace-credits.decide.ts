import { assertNever, WorkspaceStatus } from '@tally/contracts';
import type {
  AddCreditPack,
  DebitAction,
  GrantCredits,
  WorkspaceCommand,
} from './workspace-credits.commands';
import { decideDebit } from './workspace-credits.debit';
import {
  assertReservable,
  decideReserve,
  expireReservations,
  liveReservation,
  releaseReservation,
} from './workspace-credits.reservations';
import { CreditsDomainError, CreditsErrorCode } from './workspace-credits.errors';
import type {
  CreditEvent,
  CreditGrantExpired,
  CreditStatusChanged,
} from './workspace-credits.events';
import { evolve } from './workspace-credits.evolve';
import { OPEN_GRANTS_MAX } from './workspace-credits.limits';
import {
  CycleAllocations,
  decideOpenPeriod,
  defaultCycleAllocations,
} from './workspace-credits.period';
import { defaultPriceBook, PriceBook } from '../price-books/price-book';
import {
  availableAfterHolds,
  bucketsOf,
  CreditPeriod,
  instantMs,
  PlannedStatus,
  statusFor,
  totalAvailableOf,
  WorkspaceState,
} from './workspace-credits.state';

/** The rules a decider prices and allocates by; each part defaults to the design's tables. */
export interface DeciderConfig {
  /** Every published book in `effectiveAt` order; each action is priced by the one in force at its `occurredAt`. */
  priceBooks: readonly PriceBook[];
  cycleAllocations: CycleAllocations;
}

/** Decides the events a command causes, under one configuration. */
export interface WorkspaceDecider {
  readonly config: DeciderConfig;
  decide(command: WorkspaceCommand, state: WorkspaceState): CreditEvent[];
}

/** A decider for a price book and cycle allocations (what `decide` uses: the defaults). */
export function createDecider(config: Partial<DeciderConfig> = {}): WorkspaceDecider {
  const complete: DeciderConfig = {
    priceBooks: inEffectiveOrder(config.priceBooks ?? [defaultPriceBook]),
    cycleAllocations: config.cycleAllocations ?? defaultCycleAllocations,
  };
  return { config: complete, decide: (command, state) => decideWith(complete, command, state) };
}

function inEffectiveOrder(books: readonly PriceBook[]): readonly PriceBook[] {
  if (books.length === 0) throw new Error('assertion failed: a decider needs a price book');
  return [...books].sort((a, b) =>
    a.effectiveAt < b.effectiveAt ? -1 : a.effectiveAt > b.effectiveAt ? 1 : 0,
  );
}

const defaultDecider = createDecider();

/**
 * Decides the events a command causes under the default price book and allocations. Pure: time
 * arrives on the command. Order of the result: grants that expired by `processedAt`, the
 * command's own events, then at most one CreditStatusChanged comparing the status before and
 * after. Duplicates decide nothing. Throws CreditsDomainError for a command that can never be
 * valid.
 */
export function decide(command: WorkspaceCommand, state: WorkspaceState): CreditEvent[] {
  return defaultDecider.decide(command, state);
}

function decideWith(
  config: DeciderConfig,
  command: WorkspaceCommand,
  state: WorkspaceState,
): CreditEvent[] {
  assertAcceptable(command, state);
  if (isDuplicate(command, state)) return [];
  const expired = expireDue(state, command.processedAt);
  if (command.type === 'DebitAction' && expired.length === 0) {
    return decideDebitOnly(command, state, config.priceBooks);
  }
  const afterExpiry = expired.length === 0 ? state : expired.reduce(evolve, state);
  const own = decideCommand(command, afterExpiry, config);
  const events = expired.length === 0 ? own : [...expired, ...own];
  let next = afterExpiry;
  for (const event of own) next = evolve(next, event);
  const totalAvailableMicro = totalAvailableOf(next);
  const to = movedStatus(next.period, state.status, totalAvailableMicro);
  if (to !== null) events.push(statusChanged(command, state, to, totalAvailableMicro));
  return events;
}

// The common case, a debit with no grant expiring, computes the resulting total from the
// split instead of evolving a copy of the state: the property tests hold both paths to the
// same rule (recorded status = status the balances call for).
function decideDebitOnly(
  command: DebitAction,
  state: WorkspaceState,
  priceBooks: readonly PriceBook[],
): CreditEvent[] {
  const debited = decideDebit(command, state, priceBooks);
  const { amountMicro, split, reservationDrawnMicro } = debited.data;
  const totalAvailableMicro = availableAfterHolds(
    bucketsOf(state) - (amountMicro - split.overdraftMicro),
    state.reservedMicro - reservationDrawnMicro,
  );
  const to = movedStatus(state.period, state.status, totalAvailableMicro);
  if (to === null) return [debited];
  return [debited, statusChanged(command, state, to, totalAvailableMicro)];
}

/** The status the balances move a workspace to, or null when it stays (always, without a period). */
function movedStatus(
  period: CreditPeriod | null,
  current: WorkspaceStatus,
  totalAvailableMicro: bigint,
): PlannedStatus | null {
  if (period === null) return null;
  const to = statusFor(period, totalAvailableMicro);
  return to === current ? null : to;
}

function statusChanged(
  command: WorkspaceCommand,
  state: WorkspaceState,
  to: PlannedStatus,
  totalAvailableMicro: bigint,
): CreditStatusChanged {
  return {
    type: 'CreditStatusChanged',
    data: {
      workspaceId: state.workspaceId,
      from: state.status,
      to,
      totalAvailableMicro,
      occurredAt: command.occurredAt,
      processedAt: command.processedAt,
    },
  };
}

function decideCommand(
  command: WorkspaceCommand,
  state: WorkspaceState,
  config: DeciderConfig,
): CreditEvent[] {
  switch (command.type) {
    case 'DebitAction':
      return [decideDebit(command, state, config.priceBooks)];
    case 'OpenPeriod':
      return decideOpenPeriod(command, state, config.cycleAllocations);
    case 'AddCreditPack':
      return [packAdded(command, state)];
    case 'GrantCredits':
      return grantAdded(command, state);
    case 'Reserve':
      return [decideReserve(command, state)];
    case 'ReleaseReservation':
      return releaseReservation(command, state);
    case 'ExpireDue':
      return [];
    default:
      return assertNever(command);
  }
}

/** Debit idempotency is the boundary's (by stored event id); the rest is decided here. */
function isDuplicate(command: WorkspaceCommand, state: WorkspaceState): boolean {
  switch (command.type) {
    case 'DebitAction':
      return false;
    case 'OpenPeriod':
      // A period start is identified by its workspace and start: the same start again changes
      // nothing, whatever its eventId (an older one was refused in assertAcceptable).
      return (
        state.period !== null && instantMs(command.periodStart) === instantMs(state.period.start)
      );
    case 'AddCreditPack':
      return state.recentPaymentRefs.includes(command.paymentRef);
    case 'GrantCredits':
      return (
        state.recentGrantReferences.includes(command.reference) ||
        state.grants.some((grant) => grant.reference === command.reference)
      );
    case 'Reserve':
      // Held already; an ended one is recognised by its stored event id (the ledger's key).
      return liveReservation(state, command.reservationId) !== undefined;
    case 'ReleaseReservation':
      return liveReservation(state, command.reservationId) === undefined;
    case 'ExpireDue':
      return false;
    default:
      return assertNever(command);
  }
}

function refuse(code: CreditsErrorCode, message: string): never {
  throw new CreditsDomainError(code, message);
}

function assertAcceptable(command: WorkspaceCommand, state: WorkspaceState): void {
  if (command.workspaceId !== state.workspaceId) {
    refuse(
      CreditsErrorCode.WorkspaceMismatch,
      `command for ${command.workspaceId} sent to ${state.workspaceId}`,
    );
  }
  // Debits are the hot path and come from validated messages; the rarer commands re-check.
  if (command.type === 'DebitAction') return;
  for (const instant of [command.occurredAt, command.processedAt]) {
    if (!Number.isFinite(instantMs(instant)))
      refuse(CreditsErrorCode.InvalidInstant, `"${instant}" is not an instant`);
  }
  switch (command.type) {
    case 'OpenPeriod':
      if (!(instantMs(command.periodEnd) > instantMs(command.periodStart))) {
        refuse(CreditsErrorCode.InvalidPeriod, 'periodEnd must be an instant after periodStart');
      }
      if (command.allocationMicro !== undefined && command.allocationMicro < 0n) {
        refuse(CreditsErrorCode.InvalidAmount, 'allocationMicro must not be negative');
      }
      if (state.period !== null && instantMs(command.periodStart) < instantMs(state.period.start)) {
        refuse(
          CreditsErrorCode.PeriodOutdated,
          `period starting ${command.periodStart} is older than the open period, which started ${state.period.start}`,
        );
      }
      return;
    case 'GrantCredits':
      if (command.expiresAt !== undefined && !Number.isFinite(instantMs(command.expiresAt))) {
        refuse(
          CreditsErrorCode.InvalidInstant,
          `expiresAt "${command.expiresAt}" is not an instant`,
        );
      }
      if (state.grants.length >= OPEN_GRANTS_MAX) {
        refuse(
          CreditsErrorCode.OpenGrantsLimitReached,
          `a workspace holds at most ${OPEN_GRANTS_MAX} open grants`,
        );
      }
      break;
    case 'AddCreditPack':
      break;
    case 'Reserve':
      assertReservable(command, state);
      return;
    case 'ReleaseReservation':
    case 'ExpireDue':
      return;
    default:
      assertNever(command);
  }
  if (command.creditsMicro <= 0n)
    refuse(CreditsErrorCode.InvalidAmount, 'credits must be positive');
}

/** What time alone has decided by `processedAt`: lapsed grants, then lapsed reservations. */
function expireDue(state: WorkspaceState, processedAt: string): CreditEvent[] {
  const grants = expireGrants(state, processedAt);
  const reservations = expireReservations(state, processedAt);
  if (reservations.length === 0) return grants;
  return grants.length === 0 ? reservations : [...grants, ...reservations];
}

/** Grants are sorted soonest-expiring first, so only a prefix can have expired. */
function expireGrants(state: WorkspaceState, processedAt: string): CreditGrantExpired[] {
  if (state.grants.length === 0) return [];
  const nowMs = instantMs(processedAt);
  const expired: CreditGrantExpired[] = [];
  for (const grant of state.grants) {
    if (grant.expiresAt === null || !(instantMs(grant.expiresAt) <= nowMs)) break;
    expired.push(
      grantExpired(
        state.workspaceId,
        grant.reference,
        grant.grantType,
        grant.remainingMicro,
        grant.expiresAt,
        processedAt,
      ),
    );
  }
  return expired;
}

function grantExpired(
  workspaceId: string,
  reference: string,
  grantType: GrantCredits['grantType'],
  expiredMicro: bigint,
  expiresAt: string,
  processedAt: string,
): CreditGrantExpired {
  return {
    type: 'CreditGrantExpired',
    data: { workspaceId, reference, grantType, expiredMicro, expiresAt, processedAt },
  };
}

/** New credits pay off overdraft first; the rest is added to the bucket. */
function splitNewCredits(
  state: WorkspaceState,
  creditsMicro: bigint,
): { overdraftPaidMicro: bigint; addedMicro: bigint } {
  const overdraftPaidMicro =
    state.overdraftMicro < creditsMicro ? state.overdraftMicro : creditsMicro;
  return { overdraftPaidMicro, addedMicro: creditsMicro - overdraftPaidMicro };
}

function packAdded(command: AddCreditPack, state: WorkspaceState): CreditEvent {
  const { overdraftPaidMicro, addedMicro } = splitNewCredits(state, command.creditsMicro);
  return {
    type: 'CreditPackAdded',
    data: {
      workspaceId: state.workspaceId,
      sourceEventId: command.commandId,
      paymentRef: command.paymentRef,
      creditsMicro: command.creditsMicro,
      overdraftPaidMicro,
      purchasedAddedMicro: addedMicro,
      occurredAt: command.occurredAt,
      processedAt: command.processedAt,
    },
  };
}

function grantAdded(command: GrantCredits, state: WorkspaceState): CreditEvent[] {
  const { overdraftPaidMicro, addedMicro } = splitNewCredits(state, command.creditsMicro);
  const expiresAt = command.expiresAt ?? null;
  const events: CreditEvent[] = [
    {
      type: 'CreditsGranted',
      data: {
        workspaceId: state.workspaceId,
        sourceEventId: command.commandId,
        reference: command.reference,
        grantType: command.grantType,
        creditsMicro: command.creditsMicro,
        overdraftPaidMicro,
        grantedAddedMicro: addedMicro,
        expiresAt,
        occurredAt: command.occurredAt,
        processedAt: command.processedAt,
      },
    },
  ];
  // A grant that arrives already past its expiry still records what it paid off; the rest
  // expires at once rather than being silently dropped.
  if (
    expiresAt !== null &&
    addedMicro > 0n &&
    instantMs(expiresAt) <= instantMs(command.processedAt)
  ) {
    events.push(
      grantExpired(
        state.workspaceId,
        command.reference,
        command.grantType,
        addedMicro,
        expiresAt,
        command.processedAt,
      ),
    );
  }
  return events;
}
