import { Equals, IsIn, IsString, Matches } from 'class-validator';
import { IsInstant } from '../validators';
import { WORKSPACE_ID_PATTERN } from './envelope';

export const WORKSPACE_STATUSES = ['no_plan', 'active', 'low', 'exhausted'] as const;
export type WorkspaceStatus = (typeof WORKSPACE_STATUSES)[number];

export const BALANCE_ALERT_TYPES = ['CreditsLow', 'CreditsExhausted', 'CreditsReplenished'] as const;
export type BalanceAlertType = (typeof BALANCE_ALERT_TYPES)[number];

const INTEGER_STRING = /^(0|[1-9][0-9]*)$/;

/** Plain shape of an alert on `credits.balance-alerts.v1`. */
export interface BalanceAlert {
  type: BalanceAlertType;
  schemaVersion: 1;
  workspaceId: string;
  status: WorkspaceStatus;
  totalAvailableMicro: string;
  /** Global position of the stored CreditStatusChanged event that caused the alert. */
  position: string;
  occurredAt: string;
}

abstract class BalanceAlertMessage implements Omit<BalanceAlert, 'type'> {
  @Equals(1)
  schemaVersion!: 1;

  @Matches(WORKSPACE_ID_PATTERN)
  workspaceId!: string;

  @IsIn(WORKSPACE_STATUSES)
  status!: WorkspaceStatus;

  @IsString()
  @Matches(INTEGER_STRING)
  totalAvailableMicro!: string;

  @IsString()
  @Matches(INTEGER_STRING)
  position!: string;

  @IsInstant()
  occurredAt!: string;
}

export class CreditsLowMessage extends BalanceAlertMessage {
  @Equals('CreditsLow')
  type!: 'CreditsLow';
}

export class CreditsExhaustedMessage extends BalanceAlertMessage {
  @Equals('CreditsExhausted')
  type!: 'CreditsExhausted';
}

export class CreditsReplenishedMessage extends BalanceAlertMessage {
  @Equals('CreditsReplenished')
  type!: 'CreditsReplenished';
}
