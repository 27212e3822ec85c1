import {
  CreditEvent,
  LIVE_RESERVATIONS_MAX,
  OPEN_GRANTS_MAX,
  WorkspaceCommand,
} from '@tally/credits';
import { decodeCreditEvent } from './credit-event.codec';
import { formatMicroAsCredits } from '@tally/contracts';
import type { EventStore, RecordedEvent } from '@tally/event-store';

/** What a pack or grant already applied under the same paymentRef or reference. */
export type AppliedContent =
  | { paymentRef: string; credits: string; creditsMicro: string }
  | {
      reference: string;
      grantType: string;
      credits: string;
      creditsMicro: string;
      expiresAt: string | null;
    };

export interface ReplayConflict {
  message: string;
  applied: AppliedContent;
}

type ContentCommand = Extract<WorkspaceCommand, { type: 'AddCreditPack' | 'GrantCredits' }>;

export function carriesContent(command: WorkspaceCommand): command is ContentCommand {
  return command.type === 'AddCreditPack' || command.type === 'GrantCredits';
}

// A command's events share one transaction, so they sit at consecutive revisions from its first
// stored id: expired grants and reservations first (at most OPEN_GRANTS_MAX and
// LIVE_RESERVATIONS_MAX), then the command's own event.
const EVENTS_BEFORE_OWN_MAX = OPEN_GRANTS_MAX + LIVE_RESERVATIONS_MAX + 1;

/**
 * Compares a pack or grant that was recognised as applied before (same paymentRef or reference)
 * with what was stored then. Same content: a replay (null). Other content: the conflict, with
 * what was applied, so the caller sees why. Packs and grants are rare, so two reads are cheap.
 */
export async function replayConflictOf(
  store: EventStore,
  command: ContentCommand,
  firstEventId: string,
): Promise<ReplayConflict | null> {
  const [first] = await store.readEventsById([firstEventId]);
  if (first === undefined) return null;
  const candidates = await store.readStream(first.streamName, {
    fromRevision: first.revision,
    maxCount: EVENTS_BEFORE_OWN_MAX + 1,
  });
  for (const recorded of candidates) {
    const applied = appliedContentOf(command, recorded);
    if (applied === undefined) continue;
    return applied === null ? null : { message: conflictMessage(command), applied };
  }
  return null;
}

/** undefined: not the command's own event; null: the same content; otherwise what differs. */
function appliedContentOf(
  command: ContentCommand,
  recorded: RecordedEvent,
): AppliedContent | null | undefined {
  if (recorded.type !== 'CreditPackAdded' && recorded.type !== 'CreditsGranted') return undefined;
  const event: CreditEvent = decodeCreditEvent({
    type: recorded.type,
    data: recorded.data as Record<string, unknown>,
  });
  if (
    command.type === 'AddCreditPack' &&
    event.type === 'CreditPackAdded' &&
    event.data.paymentRef === command.paymentRef
  ) {
    if (event.data.creditsMicro === command.creditsMicro) return null;
    const { paymentRef, creditsMicro } = event.data;
    return {
      paymentRef,
      credits: formatMicroAsCredits(creditsMicro),
      creditsMicro: creditsMicro.toString(),
    };
  }
  if (
    command.type === 'GrantCredits' &&
    event.type === 'CreditsGranted' &&
    event.data.reference === command.reference
  ) {
    const { reference, grantType, creditsMicro, expiresAt } = event.data;
    const same =
      grantType === command.grantType &&
      creditsMicro === command.creditsMicro &&
      expiresAt === (command.expiresAt ?? null);
    if (same) return null;
    return {
      reference,
      grantType,
      credits: formatMicroAsCredits(creditsMicro),
      creditsMicro: creditsMicro.toString(),
      expiresAt,
    };
  }
  return undefined;
}

function conflictMessage(command: ContentCommand): string {
  return command.type === 'AddCreditPack'
    ? `paymentRef "${command.paymentRef}" was already applied with other content; nothing was changed`
    : `grant reference "${command.reference}" was already applied with other content; nothing was changed`;
}
