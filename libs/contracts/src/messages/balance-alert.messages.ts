import { plainToInstance } from 'class-transformer';
import { Equals, IsIn, IsString, Matches, validateSync } from 'class-validator';
import { IsInstant } from '../validators';
import { WORKSPACE_ID_PATTERN } from './envelope';

export const WORKSPACE_STATUSES = ['no_plan', 'active', 'low', 'exhausted'] as const;
export type WorkspaceStatus = (typeof WORKSPACE_STATUSES)[number];

export const BALANCE_ALERT_TYPES = [
  'CreditsLow',
  'CreditsExhausted',
  'CreditsReplenished',
] as const;
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

const ALERT_CLASSES: Record<
  BalanceAlertType,
  new () => BalanceAlertMessage & { type: BalanceAlertType }
> = {
  CreditsLow: CreditsLowMessage,
  CreditsExhausted: CreditsExhaustedMessage,
  CreditsReplenished: CreditsReplenishedMessage,
};

/**
 * Builds the alert Tally publishes and checks it against its contract class, so a consumer
 * validating with the same class never sees one it refuses. Returns the problems, or none.
 */
export function balanceAlertOf(fields: Omit<BalanceAlert, 'schemaVersion'>): {
  alert: BalanceAlert;
  issues: string[];
} {
  const alert: BalanceAlert = {
    type: fields.type,
    schemaVersion: 1,
    workspaceId: fields.workspaceId,
    status: fields.status,
    totalAvailableMicro: fields.totalAvailableMicro,
    position: fields.position,
    occurredAt: fields.occurredAt,
  };
  const alertClass = ALERT_CLASSES[alert.type];
  if (alertClass === undefined)
    return { alert, issues: [`unknown alert type ${String(alert.type)}`] };
  const errors = validateSync(plainToInstance(alertClass, alert), {
    whitelist: true,
    forbidNonWhitelisted: true,
  });
  return { alert, issues: errors.flatMap((error) => Object.values(error.constraints ?? {})) };
}
