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

export type WorkspaceCommand = OpenPeriod | DebitAction | AddCreditPack | GrantCredits;
