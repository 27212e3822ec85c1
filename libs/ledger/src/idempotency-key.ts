import { assertNever, InboundMessage } from '@tally/contracts';

/**
 * What makes a message's effect happen once: the producer's `eventId` for actions, the
 * `periodStart` for period starts (a period is identified by its workspace and start, whatever
 * its eventId), the `paymentRef` for packs and the `reference` for grants (so a pack bought over
 * HTTP and the same payment arriving from Kafka are one purchase). Scoped by workspace.
 */
export function idempotencyKeyOf(message: InboundMessage): string {
  switch (message.type) {
    case 'ActionExecuted':
      return `${message.workspaceId}/action/${message.eventId}`;
    case 'SubscriptionPeriodStarted':
      return `${message.workspaceId}/period/${message.periodStart}`;
    case 'CreditPackPurchased':
      return `${message.workspaceId}/pack/${message.paymentRef}`;
    case 'CreditsGranted':
      return `${message.workspaceId}/grant/${message.reference}`;
    default:
      return assertNever(message, 'inbound message');
  }
}
