import { Equals, IsIn, IsString } from 'class-validator';
import { IDENTIFIER_LENGTH_MAX } from '../limits';
import {
  HasTextLength,
  IsCreditsAmount,
  IsInstant,
  IsMicroAmount,
  IsOptionalField,
} from '../validators';
import { MessageEnvelope } from './envelope';

export const BILLING_CYCLES = ['monthly', 'yearly'] as const;
export type BillingCycle = (typeof BILLING_CYCLES)[number];

export const GRANT_TYPES = ['compensation', 'onboarding', 'sales'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/** `SubscriptionPeriodStarted` on `billing.subscription.v1`. */
export class SubscriptionPeriodStartedMessage extends MessageEnvelope {
  @Equals('SubscriptionPeriodStarted')
  type!: 'SubscriptionPeriodStarted';

  @IsIn(BILLING_CYCLES)
  cycle!: BillingCycle;

  @IsInstant()
  periodStart!: string;

  @IsInstant()
  periodEnd!: string;

  @IsOptionalField()
  @IsMicroAmount()
  allocationMicro?: string;
}

/** `CreditPackPurchased` on `billing.subscription.v1`. */
export class CreditPackPurchasedMessage extends MessageEnvelope {
  @Equals('CreditPackPurchased')
  type!: 'CreditPackPurchased';

  @IsCreditsAmount()
  credits!: string;

  @IsString()
  @HasTextLength(1, IDENTIFIER_LENGTH_MAX)
  paymentRef!: string;
}

/** `CreditsGranted` on `billing.subscription.v1` (operator grants). */
export class CreditsGrantedMessage extends MessageEnvelope {
  @Equals('CreditsGranted')
  type!: 'CreditsGranted';

  @IsIn(GRANT_TYPES)
  grantType!: GrantType;

  @IsCreditsAmount()
  credits!: string;

  @IsString()
  @HasTextLength(1, IDENTIFIER_LENGTH_MAX)
  reference!: string;

  @IsOptionalField()
  @IsInstant()
  expiresAt?: string;
}
