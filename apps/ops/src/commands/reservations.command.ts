import { RESERVATION_ID_PATTERN, WORKSPACE_ID_PATTERN } from '@tally/contracts';
import {
  releaseCommand,
  ReservationView,
  selectReservation,
  selectReservations,
  WorkspaceLedger,
} from '@tally/ledger';
import { inlineReadModels } from '@tally/projections';
import type { ExitCode, OpsContext } from '../ops-context';

function line(reservation: ReservationView): string {
  const ended = reservation.endedAt === null ? '' : ` ended ${reservation.endedAt}`;
  return [
    reservation.reservationId.padEnd(24),
    reservation.status.padEnd(8),
    `amount ${reservation.amountMicro} µcr`,
    `spent ${reservation.spentMicro}`,
    `held ${reservation.heldMicro}`,
    `expires ${reservation.expiresAt}${ended}`,
  ].join('  ');
}

/** `reservations list <workspaceId> [--all]`: the live holds (every reservation with --all), newest first. */
export async function reservationsListCommand(
  context: OpsContext,
  workspaceId: string,
  all: boolean,
): Promise<ExitCode> {
  if (!WORKSPACE_ID_PATTERN.test(workspaceId)) {
    context.err(`not a workspace id: ${workspaceId}\n`);
    return 2;
  }
  const reservations = await selectReservations(context.sql, workspaceId, all);
  for (const reservation of reservations) context.out(line(reservation));
  const held = reservations.filter((reservation) => reservation.status === 'held');
  const heldMicro = held.reduce((sum, reservation) => sum + BigInt(reservation.heldMicro), 0n);
  context.err(`${held.length} held reservation(s) of ${workspaceId}, ${heldMicro} µcr held\n`);
  return 0;
}

/**
 * `reservations release <workspaceId> <reservationId>`: ends a held reservation through the
 * ledger's decide-and-append path (its unspent hold returns); an ended one is shown unchanged.
 */
export async function reservationsReleaseCommand(
  context: OpsContext,
  workspaceId: string,
  reservationId: string,
): Promise<ExitCode> {
  if (!WORKSPACE_ID_PATTERN.test(workspaceId) || !RESERVATION_ID_PATTERN.test(reservationId)) {
    context.err(`not a workspace id and reservation id: ${workspaceId} ${reservationId}\n`);
    return 2;
  }
  if ((await selectReservation(context.sql, workspaceId, reservationId)) === null) {
    context.err(`no reservation ${reservationId} in workspace ${workspaceId}\n`);
    return 1;
  }
  const now = (context.now ?? (() => new Date()))().toISOString();
  const ledger = new WorkspaceLedger(context.store, context.sql, {
    readModels: await inlineReadModels(context.sql),
  });
  const [outcome] = await ledger.execute([releaseCommand(workspaceId, reservationId, now)]);
  if (outcome?.kind === 'rejected') {
    context.err(`refused: ${outcome.message}\n`);
    return 1;
  }
  const reservation = (await selectReservation(
    context.sql,
    workspaceId,
    reservationId,
  )) as ReservationView;
  context.out(line(reservation));
  context.err(outcome?.kind === 'applied' ? 'released\n' : 'already ended: nothing changed\n');
  return 0;
}
