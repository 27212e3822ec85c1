import 'reflect-metadata';
import { Command } from 'commander';
import { serverUrlFromEnvironment } from '../support/test-database';
import { runChaos } from './chaos';
import { formatChaosReport } from './chaos-report';
import { chaosDefaults, ChaosOptions } from './chaos.options';

interface ChaosFlags {
  actions: number;
  workspaces: number;
  rate: number;
  seed: number;
  reservations: number;
  ledgerKills: number;
  projectorKills: number;
  apiKills: number;
  brokerRestarts: number;
  backendTerminations: number;
  settleTimeoutS: number;
  keep: boolean;
  dlqTopic: boolean;
}

/** The integer flags in help order; where a CHAOS_* variable is named, it replaces the default. */
const integerFlags: { flag: string; description: string; variable?: string; fallback: number }[] = [
  {
    flag: '--actions <n>',
    description: 'unique valid actions',
    variable: 'CHAOS_ACTIONS',
    fallback: chaosDefaults.actions,
  },
  {
    flag: '--workspaces <n>',
    description: 'workspaces',
    variable: 'CHAOS_WORKSPACES',
    fallback: chaosDefaults.workspaces,
  },
  {
    flag: '--rate <n>',
    description: 'messages published per second',
    variable: 'CHAOS_RATE',
    fallback: chaosDefaults.publishRatePerSecond,
  },
  {
    flag: '--seed <n>',
    description: 'seed of the workload mix and fault times',
    variable: 'CHAOS_SEED',
    fallback: chaosDefaults.seed,
  },
  {
    flag: '--reservations <n>',
    description: 'holds asked over the billing API (settled, released, expired, kept); 0: no API',
    variable: 'CHAOS_RESERVATIONS',
    fallback: chaosDefaults.reservations,
  },
  {
    flag: '--ledger-kills <n>',
    description: 'SIGKILLs of the ledger',
    variable: 'CHAOS_LEDGER_KILLS',
    fallback: chaosDefaults.ledgerKills,
  },
  {
    flag: '--projector-kills <n>',
    description: 'SIGKILLs of the projector',
    variable: 'CHAOS_PROJECTOR_KILLS',
    fallback: chaosDefaults.projectorKills,
  },
  {
    flag: '--api-kills <n>',
    description: 'SIGKILLs of the billing API (with reservations)',
    variable: 'CHAOS_API_KILLS',
    fallback: chaosDefaults.apiKills,
  },
  {
    flag: '--broker-restarts <n>',
    description: 'Kafka broker restarts',
    fallback: chaosDefaults.brokerRestarts,
  },
  {
    flag: '--backend-terminations <n>',
    description: 'pg_terminate_backend rounds',
    fallback: chaosDefaults.backendTerminations,
  },
  {
    flag: '--settle-timeout-s <n>',
    description: 'how long to wait for the catch-up',
    fallback: chaosDefaults.settleTimeoutMs / 1_000,
  },
];

function integer(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0)
    throw new Error(`not a non-negative integer: ${value}`);
  return parsed;
}

// `npm run chaos`: flags win over CHAOS_* variables, which win over the defaults.
function parseFlags(argv: string[]): ChaosFlags {
  const program = new Command('chaos').description(
    'fault-injection run of the ledger and projector, followed by an exact audit',
  );
  for (const { flag, description, variable, fallback } of integerFlags) {
    const fromVariable = variable ? process.env[variable] : undefined;
    program.option(flag, description, integer, fromVariable ? integer(fromVariable) : fallback);
  }
  return program
    .option('--no-dlq-topic', 'do not create the DLQ topic before the run (leave it to the ledger)')
    .option('--keep', 'keep the database for inspection', false)
    .parse(argv)
    .opts<ChaosFlags>();
}

function optionsFromCommandLine(argv: string[]): ChaosOptions {
  const flags = parseFlags(argv);
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
    reservations: flags.reservations,
    ledgerKills: flags.ledgerKills,
    projectorKills: flags.projectorKills,
    apiKills: flags.apiKills,
    brokerRestarts: flags.brokerRestarts,
    backendTerminations: flags.backendTerminations,
    settleTimeoutMs: flags.settleTimeoutS * 1_000,
    keepDatabase: flags.keep,
    createDlqTopic: flags.dlqTopic,
    kafkaBrokers: brokers.split(','),
    kafkaHome: process.env.TALLY_KAFKA_HOME ?? '.kafka',
    serverUrl: serverUrlFromEnvironment(),
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
