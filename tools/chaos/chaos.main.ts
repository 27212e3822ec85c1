import 'reflect-metadata';
import { Command } from 'commander';
import { runChaos } from './chaos';
import { formatChaosReport } from './chaos-report';
import { chaosDefaults, ChaosOptions } from './chaos.options';

// `npm run chaos`: flags win over CHAOS_* variables, which win over the defaults.
function optionsFromCommandLine(argv: string[]): ChaosOptions {
  const integer = (value: string): number => {
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < 0)
      throw new Error(`not a non-negative integer: ${value}`);
    return parsed;
  };
  const fromEnv = (name: string, fallback: number): number =>
    process.env[name] ? integer(process.env[name] as string) : fallback;
  const program = new Command('chaos')
    .description('fault-injection run of the ledger and projector, followed by an exact audit')
    .option(
      '--actions <n>',
      'unique valid actions',
      integer,
      fromEnv('CHAOS_ACTIONS', chaosDefaults.actions),
    )
    .option(
      '--workspaces <n>',
      'workspaces',
      integer,
      fromEnv('CHAOS_WORKSPACES', chaosDefaults.workspaces),
    )
    .option(
      '--rate <n>',
      'messages published per second',
      integer,
      fromEnv('CHAOS_RATE', chaosDefaults.publishRatePerSecond),
    )
    .option(
      '--seed <n>',
      'seed of the workload mix and fault times',
      integer,
      fromEnv('CHAOS_SEED', chaosDefaults.seed),
    )
    .option(
      '--ledger-kills <n>',
      'SIGKILLs of the ledger',
      integer,
      fromEnv('CHAOS_LEDGER_KILLS', chaosDefaults.ledgerKills),
    )
    .option(
      '--projector-kills <n>',
      'SIGKILLs of the projector',
      integer,
      fromEnv('CHAOS_PROJECTOR_KILLS', chaosDefaults.projectorKills),
    )
    .option('--broker-restarts <n>', 'Kafka broker restarts', integer, chaosDefaults.brokerRestarts)
    .option(
      '--backend-terminations <n>',
      'pg_terminate_backend rounds',
      integer,
      chaosDefaults.backendTerminations,
    )
    .option(
      '--settle-timeout-s <n>',
      'how long to wait for the catch-up',
      integer,
      chaosDefaults.settleTimeoutMs / 1_000,
    )
    .option('--no-dlq-topic', 'do not create the DLQ topic before the run (leave it to the ledger)')
    .option('--keep', 'keep the database for inspection', false)
    .parse(argv);
  const flags = program.opts<{
    actions: number;
    workspaces: number;
    rate: number;
    seed: number;
    ledgerKills: number;
    projectorKills: number;
    brokerRestarts: number;
    backendTerminations: number;
    settleTimeoutS: number;
    keep: boolean;
    dlqTopic: boolean;
  }>();
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers)
    throw new Error(
      'KAFKA_BROKERS is not set: run through `npm run chaos` (scripts/with-kafka.sh).',
    );
  return {
    ...chaosDefaults,
    actions: flags.actions,
    workspaces: flags.workspaces,
    publishRatePerSecond: flags.rate,
    seed: flags.seed,
    ledgerKills: flags.ledgerKills,
    projectorKills: flags.projectorKills,
    brokerRestarts: flags.brokerRestarts,
    backendTerminations: flags.backendTerminations,
    settleTimeoutMs: flags.settleTimeoutS * 1_000,
    keepDatabase: flags.keep,
    createDlqTopic: flags.dlqTopic,
    kafkaBrokers: brokers.split(','),
    kafkaHome: process.env.TALLY_KAFKA_HOME ?? '.kafka',
    serverUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    log: (line) => process.stderr.write(`[chaos] ${line}\n`),
  };
}

async function main(): Promise<void> {
  const report = await runChaos(optionsFromCommandLine(process.argv));
  // Exit explicitly: a client library may keep a socket or timer alive after the run.
  process.stdout.write(`${formatChaosReport(report)}\n`, () => process.exit(report.passed ? 0 : 1));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
