import { assertNever, InboundMessage } from '@tally/contracts';
import type { WorkspaceCommand } from './workspace-credits.commands';

/** Maps a validated inbound message to the command it asks for; `processedAt` is the ledger's clock. */
export function commandFromInbound(message: InboundMessage, processedAt: string): WorkspaceCommand {
  if (message.type === 'ActionExecuted') {
    // The hot path (every action): one object literal, no spread of `base`.
    const debit: WorkspaceCommand = {
      commandId: message.eventId,
      workspaceId: message.workspaceId,
      occurredAt: message.occurredAt,
      processedAt,
      type: 'DebitAction',
      source: message.source,
      action: message.action,
    };
    if (message.reservationId !== undefined) debit.reservationId = message.reservationId;
    return debit;
  }
  const base = {
    commandId: message.eventId,
    workspaceId: message.workspaceId,
    occurredAt: message.occurredAt,
    processedAt,
  };
  switch (message.type) {
    case 'SubscriptionPeriodStarted':
      return {
        ...base,
        type: 'OpenPeriod',
        cycle: message.cycle,
        periodStart: message.periodStart,
        periodEnd: message.periodEnd,
        ...(message.allocationMicro === undefined
          ? {}
          : { allocationMicro: message.allocationMicro }),
      };
    case 'CreditPackPurchased':
      return {
        ...base,
        type: 'AddCreditPack',
        creditsMicro: message.creditsMicro,
        paymentRef: message.paymentRef,
      };
    case 'CreditsGranted':
      return {
        ...base,
        type: 'GrantCredits',
        grantType: message.grantType,
        creditsMicro: message.creditsMicro,
        reference: message.reference,
        ...(message.expiresAt === undefined ? {} : { expiresAt: message.expiresAt }),
      };
    default:
      return assertNever(message, 'inbound message');
  }
}
