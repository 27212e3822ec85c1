import type { ActionSource, BillingCycle, GrantType } from '@tally/contracts';

// Commands are imperative. Each carries the id it is idempotent by (the upstream eventId, or
// an id derived from a paymentRef), the business time it happened (`occurredAt`) and the
// ledger's clock (`processedAt`): the decider never reads a clock.
interface CommandBase {
  commandId: string;
  workspaceId: string;
  /** ISO instant, business time. */
  occurredAt: string;
  /** ISO instant, the ledger's clock when it processed the command. */
  processedAt: string;
}

export interface OpenPeriod extends CommandBase {
  type: 'OpenPeriod';
  cycle: BillingCycle;
  periodStart: string;
  periodEnd: string;
  /** Overrides the cycle's allocation when present. */
  allocationMicro?: bigint;
}

export interface ActionToPrice {
  kind: string;
  durationMs?: number;
  recipients?: number;
  ai?: {
    model: string;
    inputTokens: number;
    outputTokens: number;
    cachedInputTokens?: number;
    cacheWriteInputTokens?: number;
  };
}

export interface DebitAction extends CommandBase {
  type: 'DebitAction';
  source: ActionSource;
  action: ActionToPrice;
  /** The reservation the debit draws on first, while it is held. */
  reservationId?: string;
}

/** Holds credits for work whose cost is known only once it has run (design section 6). */
export interface Reserve extends CommandBase {
  type: 'Reserve';
  reservationId: string;
  amountMicro: bigint;
  /** ISO instant after `processedAt`; the hold ends on its own then. */
  expiresAt: string;
}

/** Ends a held reservation; its unspent hold returns to available. */
export interface ReleaseReservation extends CommandBase {
  type: 'ReleaseReservation';
  reservationId: string;
}

/** Applies what time alone has decided by `processedAt`: grants and reservations that lapsed. */
export interface ExpireDue extends CommandBase {
  type: 'ExpireDue';
}

export interface AddCreditPack extends CommandBase {
  type: 'AddCreditPack';
  creditsMicro: bigint;
  paymentRef: string;
}

export interface GrantCredits extends CommandBase {
  type: 'GrantCredits';
  grantType: GrantType;
  creditsMicro: bigint;
  reference: string;
  expiresAt?: string;
}

export type WorkspaceCommand =
  | OpenPeriod
  | DebitAction
  | AddCreditPack
  | GrantCredits
  | Reserve
  | ReleaseReservation
  | ExpireDue;
