import { randomBytes } from 'node:crypto';
import { dlqTopicOf, Topics } from '@tally/contracts';
import { Database, openDatabase } from '@tally/runtime';
import { Kafka } from 'kafkajs';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { SupervisedApp } from './chaos-apps';
import { auditDebits, DebitAudit, debitAuditPassed } from './chaos-audit-debits';
import { auditDlq, DlqAudit, dlqAuditPassed } from './chaos-audit-dlq';
import { auditProjection, ProjectionAudit } from './chaos-audit-projection';
import {
  auditReservations,
  ReservationAudit,
  reservationAuditPassed,
} from './chaos-audit-reservations';
import { InjectedFault, injectFaults, planFaults } from './chaos-faults';
import { ChaosPublisher, chaosKafka, ensureTopics } from './chaos-kafka';
import {
  dueHoldsOpen,
  HoldsSettled,
  publishSteadily,
  settle,
  waitForPeriods,
} from './chaos-progress';
import { Random, seededRandom } from './chaos-random';
import { ReservationDriver } from './chaos-reservations';
import { apiReady, freePort, serviceToken } from './chaos-api';
import { ChaosReport } from './chaos-report';
import { ChaosWorkload } from './chaos-workload';
import { ChaosLimits, ChaosOptions } from './chaos.options';

const topicPartitions = 8;

/** Everything one run owns: its database, the Kafka clients and the two apps under test. */
interface ChaosRun {
  testDatabase: TestDatabase;
  database: Database;
  kafka: Kafka;
  publisher: ChaosPublisher;
  groupId: string;
  ledger: SupervisedApp;
  projector: SupervisedApp;
  /** The billing API and the driver of reservations through it, when the run has reservations. */
  api: SupervisedApp | null;
  reservations: ReservationDriver | null;
  /** The run clock's zero, as epoch ms (the audit compares it with stored instants). */
  startedAtMs: number;
}

interface ChaosAudits {
  debits: DebitAudit;
  dlq: DlqAudit;
  projection: ProjectionAudit;
  reservations: ReservationAudit | null;
}

/** How each phase went, with the run clock's readings that the report turns into durations. */
interface ChaosOutcome {
  settled: boolean;
  faults: InjectedFault[];
  audits: ChaosAudits;
  publishMs: number;
  settleMs: number;
  auditStartedMs: number;
}

/**
 * One fault-injection run: a fresh database, the ledger and projector as processes, a steady
 * stream of actions (with duplicates and malformed messages) while faults are injected, then a
 * wait until everything has caught up and an audit of the result.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const runStarted = Date.now();
  const clock = (): number => Date.now() - runStarted;
  const random = seededRandom(options.seed);
  const workload = new ChaosWorkload(random, options);
  const run = await openRun(options, workload, clock, runStarted);
  let releaseSignals: (() => void) | undefined;
  try {
    await ensureRunTopics(run.kafka, options.createDlqTopic);
    releaseSignals = stopAppsOnSignal(run, options.log);
    run.ledger.start();
    run.projector.start();
    await run.publisher.publish(Topics.subscription, workload.periodMessages());
    await waitForPeriods(run.database, options.workspaces, options.log);
    await startApi(run, options);

    const { publishMs, faults } = await publishUnderFaults(run, workload, random, options, clock);
    const settleStartedMs = clock();
    const settled = await settle(
      run.kafka,
      run.groupId,
      run.database,
      options,
      clock,
      holdsSettled(run),
    );
    const settleMs = clock() - settleStartedMs;
    const runEndMs = Date.now();
    await stopApps(run);

    const auditStartedMs = clock();
    const audits = await auditRun(run, workload, options.log, { runEndMs, faults });
    const outcome = { settled, faults, audits, publishMs, settleMs, auditStartedMs };
    return chaosReport(run, workload, options, outcome, clock);
  } finally {
    releaseSignals?.();
    await closeRun(run, options.keepDatabase);
  }
}

async function openRun(
  options: ChaosOptions,
  workload: ChaosWorkload,
  clock: () => number,
  startedAtMs: number,
): Promise<ChaosRun> {
  const testDatabase = await createTestDatabase('tally_chaos', options.serverUrl);
  options.log(
    `database ${testDatabase.name}; brokers ${options.kafkaBrokers.join(',')} (home ${options.kafkaHome}); ${workload.messageCount} messages planned`,
  );
  const database = await openDatabase({
    databaseUrl: testDatabase.connectionString,
    dataDir: '.tally-unused',
  });
  const kafka = chaosKafka(options.kafkaBrokers);
  const groupId = `tally-chaos-${workload.runTag}`;
  const appEnv = {
    DATABASE_URL: testDatabase.connectionString,
    KAFKA_BROKERS: options.kafkaBrokers.join(','),
    METRICS_PORT: '0',
  };
  const publisher = new ChaosPublisher(kafka);
  const withApi = options.reservations > 0 ? await apiOf(appEnv, clock) : null;
  return {
    testDatabase,
    database,
    kafka,
    publisher,
    groupId,
    ledger: new SupervisedApp('ledger', { ...appEnv, TALLY_LEDGER_GROUP_ID: groupId }, clock),
    projector: new SupervisedApp('projector', appEnv, clock),
    api: withApi?.app ?? null,
    reservations: withApi
      ? new ReservationDriver(seededRandom(options.seed ^ 0x5eed), workload, publisher, withApi)
      : null,
    startedAtMs,
  };
}

/** The billing API as a process on a free port, and a service token for the driver. */
async function apiOf(
  appEnv: Record<string, string>,
  clock: () => number,
): Promise<{ app: SupervisedApp; baseUrl: string; token: string }> {
  const port = await freePort();
  const secret = randomBytes(32).toString('hex');
  const env = { ...appEnv, PORT: String(port), HOST: '127.0.0.1', TALLY_JWT_SECRET: secret };
  return {
    app: new SupervisedApp('billing-api', env, clock),
    baseUrl: `http://127.0.0.1:${port}`,
    token: await serviceToken(secret),
  };
}

/** Starts the API once the ledger has migrated its tables (the periods are open by then). */
async function startApi(run: ChaosRun, options: ChaosOptions): Promise<void> {
  if (!run.api || !run.reservations) return;
  run.api.start();
  await apiReady(run.reservations.baseUrl);
  options.log(`billing API ready at ${run.reservations.baseUrl}`);
}

/** Every hold due by now has ended, and every hold meant to expire in the run is due. */
function holdsSettled(run: ChaosRun): HoldsSettled | undefined {
  const driver = run.reservations;
  if (!driver) return undefined;
  return async () => {
    const open = await dueHoldsOpen(run.database);
    const waiting = driver.latestShortExpiryMs - Date.now();
    return {
      settled: open === 0 && waiting < 0,
      note: `, due holds open ${open}${waiting >= 0 ? `, last expiry in ${waiting} ms` : ''}`,
    };
  };
}

async function closeRun(run: ChaosRun, keepDatabase: boolean): Promise<void> {
  await stopApps(run);
  await run.publisher.close().catch(() => undefined);
  await run.database.close();
  if (!keepDatabase) await run.testDatabase.drop();
}

async function ensureRunTopics(kafka: Kafka, createDlqTopic: boolean): Promise<void> {
  await ensureTopics(
    kafka,
    [Topics.actionExecuted, Topics.subscription, Topics.balanceAlerts],
    topicPartitions,
  );
  if (createDlqTopic)
    await ensureTopics(kafka, [dlqTopicOf(Topics.actionExecuted)], topicPartitions);
}

/** On SIGINT or SIGTERM the apps are killed before the driver exits; returns the undo. */
function stopAppsOnSignal(run: ChaosRun, log: (line: string) => void): () => void {
  const stopOnSignal = (): void => {
    log('interrupted: killing the apps');
    void Promise.all([run.ledger.stop(0), run.projector.stop(0), run.api?.stop(0)]).finally(() =>
      process.exit(130),
    );
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  return () => {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
  };
}

async function stopApps(run: ChaosRun): Promise<void> {
  await Promise.all([
    run.ledger.stop(ChaosLimits.appStopTimeoutMs),
    run.projector.stop(ChaosLimits.appStopTimeoutMs),
    run.api?.stop(ChaosLimits.appStopTimeoutMs),
  ]);
}

/** Publishes the whole workload at the steady rate while the planned faults are injected. */
async function publishUnderFaults(
  run: ChaosRun,
  workload: ChaosWorkload,
  random: Random,
  options: ChaosOptions,
  clock: () => number,
): Promise<{ publishMs: number; faults: InjectedFault[] }> {
  const windowMs = Math.ceil((workload.messageCount / options.publishRatePerSecond) * 1_000);
  const publishStartedMs = clock();
  const counts = { ...options, apiKills: run.api ? options.apiKills : 0 };
  const planned = planFaults(random, counts, windowMs).map((fault) => ({
    ...fault,
    atMs: fault.atMs + publishStartedMs,
  }));
  const faults = injectFaults(planned, {
    ledger: run.ledger,
    projector: run.projector,
    api: run.api,
    kafkaHome: options.kafkaHome,
    serverUrl: options.serverUrl,
    databaseName: run.testDatabase.name,
    restartPauseMs: () => random.integer(options.restartPauseMsMin, options.restartPauseMsMax),
    clock,
    log: options.log,
  });
  await Promise.all([
    publishSteadily(workload, run.publisher, options, run.database, clock),
    run.reservations?.run(options.reservations, windowMs, {
      minMs: options.shortExpiryMsMin,
      maxMs: options.shortExpiryMsMax,
    }),
  ]);
  const publishMs = clock() - publishStartedMs;
  return { publishMs, faults: await faults };
}

async function auditRun(
  run: ChaosRun,
  workload: ChaosWorkload,
  log: (line: string) => void,
  end: { runEndMs: number; faults: InjectedFault[] },
): Promise<ChaosAudits> {
  log(`auditing debits, DLQ, projection${run.reservations ? ' and reservations' : ''}`);
  const debits = await auditDebits(run.database.store, workload.expected, workload.workspaces);
  const dlq = await auditDlq(run.kafka, workload.malformed, workload.markerPattern);
  const projection = await auditProjection(
    run.database.store,
    run.database.sql,
    workload.workspaces,
  );
  const reservations = run.reservations
    ? await auditReservations(run.database.store, run.database.sql, run.reservations.holds, {
        runEndMs: end.runEndMs,
        ledgerDownWindows: ledgerDownWindows(end.faults, run.startedAtMs),
      })
    : null;
  return { debits, dlq, projection, reservations };
}

/** Deadline scheduler's lease: a restarted ledger may act only once the killed one's lapsed. */
const deadlineLeaseMs = 10_000;

/** From each ledger kill to its restart plus the lease takeover, as epoch ms. */
function ledgerDownWindows(
  faults: InjectedFault[],
  startedAtMs: number,
): { fromMs: number; toMs: number }[] {
  return faults
    .filter((fault) => fault.kind === 'ledger-kill')
    .map((fault) => ({
      fromMs: startedAtMs + fault.atMs,
      toMs: startedAtMs + fault.atMs + fault.durationMs + deadlineLeaseMs,
    }));
}

function chaosReport(
  run: ChaosRun,
  workload: ChaosWorkload,
  options: ChaosOptions,
  outcome: ChaosOutcome,
  clock: () => number,
): ChaosReport {
  const { debits, dlq, projection, reservations } = outcome.audits;
  const passed =
    outcome.settled &&
    debitAuditPassed(debits) &&
    dlqAuditPassed(dlq) &&
    projection.mismatches.length === 0 &&
    (reservations === null || reservationAuditPassed(reservations));
  return {
    passed,
    settled: outcome.settled,
    database: run.testDatabase.name,
    seed: options.seed,
    workspaces: options.workspaces,
    overdraftWorkspaces: workload.overdraftWorkspaces.size,
    messagesPublished: workload.messageCount,
    uniqueActions: workload.expected.size,
    duplicatesPublished: workload.duplicatesPublished,
    malformedPublished: workload.malformed.size,
    publishRetries: run.publisher.sendRetries,
    publishRatePerSecond: options.publishRatePerSecond,
    debits,
    dlq,
    projection,
    reservations,
    reservationErrors: [...(run.reservations?.holds.values() ?? [])]
      .filter((hold) => hold.error !== undefined)
      .map((hold) => `${hold.workspaceId} ${hold.reservationId}: ${hold.error}`),
    faults: outcome.faults,
    unexpectedExits: [
      ...run.ledger.unexpectedExits.map((exit) => ({ app: 'ledger', ...exit })),
      ...run.projector.unexpectedExits.map((exit) => ({ app: 'projector', ...exit })),
      ...(run.api?.unexpectedExits ?? []).map((exit) => ({ app: 'billing-api', ...exit })),
    ],
    ledgerOutputTail: passed ? '' : run.ledger.outputTail(),
    projectorOutputTail: passed ? '' : run.projector.outputTail(),
    apiOutputTail: passed ? '' : (run.api?.outputTail() ?? ''),
    publishMs: outcome.publishMs,
    settleMs: outcome.settleMs,
    auditMs: clock() - outcome.auditStartedMs,
    totalMs: clock(),
  };
}
