import { Command } from 'commander';
import { balanceAtCommand } from './commands/balance-at.command';
import { dlqListCommand, dlqRedriveCommand } from './commands/dlq.command';
import { dlqSkipCommand, dlqStuckCommand } from './commands/dlq-stuck.command';
import { priceBookPublishCommand, priceBookShowCommand } from './commands/price-book.command';
import { heldCommand, retryCommand } from './commands/projections-held.command';
import { rebuildCommand } from './commands/projections-rebuild.command';
import { statusCommand } from './commands/projections-status.command';
import { reconcileCommand } from './commands/reconcile.command';
import { streamShowCommand } from './commands/stream-show.command';
import {
  reservationsListCommand,
  reservationsReleaseCommand,
} from './commands/reservations.command';
import type { ExitCode, OpsContext } from './ops-context';

type OpsAction<A extends unknown[]> = (context: OpsContext, ...args: A) => Promise<ExitCode>;
/** Wraps an action: opens the context, runs it, sets the exit code, closes the context. */
type Runner = <A extends unknown[]>(action: OpsAction<A>) => (...args: A) => Promise<void>;

/** The `tally-ops` command tree; each action resolves to the process exit code. */
export function opsProgram(
  openContext: () => Promise<OpsContext & { close(): Promise<void> }>,
  setExitCode: (code: ExitCode) => void,
): Command {
  const run: Runner =
    (action) =>
    async (...args) => {
      const context = await openContext();
      try {
        setExitCode(await action(context, ...args));
      } finally {
        await context.close();
      }
    };
  const program = new Command('tally-ops').description(
    'Operate Tally: projections, streams, balances, dead letters, price books',
  );
  addProjectionCommands(program, run);
  addStreamAndBalanceCommands(program, run);
  addDlqCommands(program, run);
  addPriceBookCommands(program, run);
  addReservationCommands(program, run);
  return program;
}

function addProjectionCommands(program: Command, run: Runner): void {
  const projections = program.command('projections').description('read models');
  projections
    .command('rebuild <name>')
    .description(
      'rebuild balance|rollover|usage|statement|all into fresh tables and switch when caught up',
    )
    .action(run((context, name: string) => rebuildCommand(context, name)));
  projections
    .command('status')
    .description('checkpoint and lag of each projection')
    .action(run((context) => statusCommand(context)));
  projections
    .command('held')
    .description('workspaces a projection holds back after one of their events failed, and why')
    .action(run((context) => heldCommand(context)));
  projections
    .command('retry [workspaceId]')
    .description(
      "re-apply held workspaces' events (one workspace's, or all) up to the checkpoint and release them",
    )
    .action(run((context, workspaceId: string | undefined) => retryCommand(context, workspaceId)));
}

function addStreamAndBalanceCommands(program: Command, run: Runner): void {
  program
    .command('stream')
    .description('event streams')
    .command('show <workspaceId>')
    .description("the workspace's events, one line each")
    .action(run((context, workspaceId: string) => streamShowCommand(context, workspaceId)));
  program
    .command('balance-at <workspaceId> <timestamp>')
    .description('the balance as it was at an instant, replayed from events')
    .action(
      run((context, workspaceId: string, timestamp: string) =>
        balanceAtCommand(context, workspaceId, timestamp),
      ),
    );
  program
    .command('reconcile')
    .description(
      'replay every workspace and compare with the balance projection; exit 1 on a difference',
    )
    .action(run((context) => reconcileCommand(context)));
}

function addDlqCommands(program: Command, run: Runner): void {
  const dlq = program.command('dlq').description('dead-letter topics');
  dlq
    .command('list <topic>')
    .action(run((context, topic: string) => dlqListCommand(context, topic)));
  dlq
    .command('redrive <topic>')
    .action(run((context, topic: string) => dlqRedriveCommand(context, topic)));
  dlq
    .command('stuck')
    .description(
      'partitions the ledger waits on at a record batch it cannot decode: topic, partition, offsets, why',
    )
    .action(run((context) => dlqStuckCommand(context)));
  dlq
    .command('skip <topic> <partition> <offset>')
    .description(
      'dead-letter the undecodable batch a partition waits at, whole, and move past it (done by the ledger)',
    )
    .action(
      run((context, topic: string, partition: string, offset: string) =>
        dlqSkipCommand(context, topic, partition, offset),
      ),
    );
}

function addPriceBookCommands(program: Command, run: Runner): void {
  const priceBook = program.command('price-book').description('published price books');
  priceBook
    .command('publish <file>')
    .description(
      'publish the price book in a JSON file (as POST /v1/price-books): exit 0 published or already published, 1 refused, 2 unreadable',
    )
    .action(run((context, file: string) => priceBookPublishCommand(context, file)));
  priceBook
    .command('show')
    .description('the price book in force now, its rates, and every published version')
    .action(run((context) => priceBookShowCommand(context)));
}

function addReservationCommands(program: Command, run: Runner): void {
  const reservations = program
    .command('reservations')
    .description('credit holds (reserve, then settle)');
  reservations
    .command('list <workspaceId>')
    .option('--all', 'released and expired ones too')
    .description("a workspace's held reservations, newest first")
    .action(
      run((context, workspaceId: string, options: { all?: boolean }) =>
        reservationsListCommand(context, workspaceId, options.all === true),
      ),
    );
  reservations
    .command('release <workspaceId> <reservationId>')
    .description('end a held reservation: its unspent hold returns to available')
    .action(
      run((context, workspaceId: string, reservationId: string) =>
        reservationsReleaseCommand(context, workspaceId, reservationId),
      ),
    );
}
