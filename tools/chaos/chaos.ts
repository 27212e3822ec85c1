import { dlqTopicOf, Topics } from '@tally/contracts';
import { CreditEventTypes } from '@tally/credits';
import { Database, openDatabase } from '@tally/runtime';
import { Kafka } from 'kafkajs';
import { SupervisedApp } from './chaos-apps';
import { auditDebits, debitAuditPassed } from './chaos-audit-debits';
import { auditDlq, dlqAuditPassed } from './chaos-audit-dlq';
import { auditProjection } from './chaos-audit-projection';
import { countEvents, createChaosDatabase, projectionsAtHead } from './chaos-database';
import { injectFaults, planFaults } from './chaos-faults';
import { ChaosPublisher, chaosKafka, consumerGroupLag, ensureTopics } from './chaos-kafka';
import { seededRandom } from './chaos-random';
import { ChaosReport } from './chaos-report';
import { ChaosWorkload } from './chaos-workload';
import { ChaosLimits, ChaosOptions } from './chaos.options';

const topicPartitions = 8;
const publishTickMs = 100;
const progressEveryMs = 10_000;

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
  const chaosDatabase = await createChaosDatabase(options.serverUrl);
  options.log(
    `database ${chaosDatabase.name}; brokers ${options.kafkaBrokers.join(',')} (home ${options.kafkaHome}); ${workload.messageCount} messages planned`,
  );
  const database = await openDatabase({
    databaseUrl: chaosDatabase.connectionString,
    dataDir: '.tally-unused',
  });
  const kafka = chaosKafka(options.kafkaBrokers);
  const publisher = new ChaosPublisher(kafka);
  const groupId = `tally-chaos-${workload.runTag}`;
  const appEnv = {
    DATABASE_URL: chaosDatabase.connectionString,
    KAFKA_BROKERS: options.kafkaBrokers.join(','),
    METRICS_PORT: '0',
  };
  const ledger = new SupervisedApp('ledger', { ...appEnv, TALLY_LEDGER_GROUP_ID: groupId }, clock);
  const projector = new SupervisedApp('projector', appEnv, clock);
  const cleanups: (() => void)[] = [];
  try {
    await ensureTopics(
      kafka,
      [Topics.actionExecuted, Topics.subscription, Topics.balanceAlerts],
      topicPartitions,
    );
    if (options.createDlqTopic)
      await ensureTopics(kafka, [dlqTopicOf(Topics.actionExecuted)], topicPartitions);
    const stopOnSignal = (): void => {
      options.log('interrupted: killing the apps');
      void Promise.all([ledger.stop(0), projector.stop(0)]).finally(() => process.exit(130));
    };
    process.once('SIGINT', stopOnSignal);
    process.once('SIGTERM', stopOnSignal);
    cleanups.push(() => {
      process.off('SIGINT', stopOnSignal);
      process.off('SIGTERM', stopOnSignal);
    });
    ledger.start();
    projector.start();
    await publisher.publish(Topics.subscription, workload.periodMessages());
    await waitForPeriods(database, options.workspaces, options.log);

    const windowMs = Math.ceil((workload.messageCount / options.publishRatePerSecond) * 1_000);
    const publishStartedMs = clock();
    const planned = planFaults(random, options, windowMs).map((fault) => ({
      ...fault,
      atMs: fault.atMs + publishStartedMs,
    }));
    const faults = injectFaults(planned, {
      ledger,
      projector,
      kafkaHome: options.kafkaHome,
      serverUrl: options.serverUrl,
      databaseName: chaosDatabase.name,
      restartPauseMs: () => random.integer(options.restartPauseMsMin, options.restartPauseMsMax),
      clock,
      log: options.log,
    });
    await publishSteadily(workload, publisher, options, database, clock);
    const publishMs = clock() - publishStartedMs;
    const injected = await faults;

    const settleStartedMs = clock();
    const settled = await settle(kafka, groupId, database, options, clock);
    const settleMs = clock() - settleStartedMs;
    await Promise.all([
      ledger.stop(ChaosLimits.appStopTimeoutMs),
      projector.stop(ChaosLimits.appStopTimeoutMs),
    ]);

    const auditStartedMs = clock();
    options.log('auditing debits, DLQ and projection');
    const debits = await auditDebits(database.store, workload.expected, workload.workspaces);
    const dlq = await auditDlq(kafka, workload.malformed, workload.markerPattern);
    const projection = await auditProjection(database.store, database.sql, workload.workspaces);
    const passed =
      settled &&
      debitAuditPassed(debits) &&
      dlqAuditPassed(dlq) &&
      projection.mismatches.length === 0;
    return {
      passed,
      settled,
      database: chaosDatabase.name,
      seed: options.seed,
      workspaces: options.workspaces,
      overdraftWorkspaces: workload.overdraftWorkspaces.size,
      messagesPublished: workload.messageCount,
      uniqueActions: workload.expected.size,
      duplicatesPublished: workload.duplicatesPublished,
      malformedPublished: workload.malformed.size,
      publishRetries: publisher.sendRetries,
      publishRatePerSecond: options.publishRatePerSecond,
      debits,
      dlq,
      projection,
      faults: injected,
      unexpectedExits: [
        ...ledger.unexpectedExits.map((exit) => ({ app: 'ledger', ...exit })),
        ...projector.unexpectedExits.map((exit) => ({ app: 'projector', ...exit })),
      ],
      ledgerOutputTail: passed ? '' : ledger.outputTail(),
      projectorOutputTail: passed ? '' : projector.outputTail(),
      publishMs,
      settleMs,
      auditMs: clock() - auditStartedMs,
      totalMs: clock(),
    };
  } finally {
    for (const cleanup of cleanups) cleanup();
    await Promise.all([
      ledger.stop(ChaosLimits.appStopTimeoutMs),
      projector.stop(ChaosLimits.appStopTimeoutMs),
    ]);
    await publisher.close().catch(() => undefined);
    await database.close();
    if (!options.keepDatabase) await chaosDatabase.drop();
  }
}

async function waitForPeriods(
  database: Database,
  workspaces: number,
  log: (line: string) => void,
): Promise<void> {
  const deadline = Date.now() + ChaosLimits.periodsAppliedTimeoutMs;
  for (;;) {
    const opened = await countEvents(database, CreditEventTypes.periodOpened).catch(() => 0);
    if (opened >= workspaces) {
      log(`periods opened for ${workspaces} workspaces`);
      return;
    }
    if (Date.now() > deadline)
      throw new Error(
        `only ${opened} of ${workspaces} periods opened after ${ChaosLimits.periodsAppliedTimeoutMs} ms`,
      );
    await sleep(500);
  }
}

/** Publishes on a fixed schedule (rate × elapsed); after an outage it catches up in capped chunks. */
async function publishSteadily(
  workload: ChaosWorkload,
  publisher: ChaosPublisher,
  options: ChaosOptions,
  database: Database,
  clock: () => number,
): Promise<void> {
  const started = clock();
  let sent = 0;
  let nextProgressMs = started + progressEveryMs;
  while (!workload.done) {
    const due = Math.floor(((clock() - started) / 1_000) * options.publishRatePerSecond) - sent;
    if (due <= 0) {
      await sleep(publishTickMs);
      continue;
    }
    const chunk = workload.take(Math.min(due, ChaosLimits.publishChunkMessagesMax));
    await publisher.publish(Topics.actionExecuted, chunk);
    sent += chunk.length;
    if (clock() >= nextProgressMs) {
      nextProgressMs += progressEveryMs;
      const debited = await countEvents(database, CreditEventTypes.debited).catch(() => NaN);
      options.log(
        `${(clock() / 1_000).toFixed(0)} s: published ${sent}/${workload.messageCount}, debits stored ${debited}`,
      );
    }
  }
}

/** Waits until the ledger group has no lag, the debit count stops changing and projections reach the head. */
async function settle(
  kafka: Kafka,
  groupId: string,
  database: Database,
  options: ChaosOptions,
  clock: () => number,
): Promise<boolean> {
  const deadline = clock() + options.settleTimeoutMs;
  let previousCount = -1;
  let stableProbes = 0;
  while (clock() < deadline) {
    await sleep(ChaosLimits.settlePollMs);
    try {
      const lag = await consumerGroupLag(kafka, groupId, [
        Topics.actionExecuted,
        Topics.subscription,
      ]);
      const count = await countEvents(database, CreditEventTypes.debited);
      const projections = await projectionsAtHead(database);
      stableProbes =
        lag === 0 && count === previousCount && projections.reached ? stableProbes + 1 : 0;
      previousCount = count;
      options.log(
        `settling: lag ${lag}, debits ${count}, projections ${projections.reached ? 'at head' : 'behind'} (${stableProbes}/${ChaosLimits.settleStableProbesMin})`,
      );
      if (stableProbes >= ChaosLimits.settleStableProbesMin) return true;
    } catch (error) {
      options.log(`settle probe failed (retrying): ${(error as Error).message}`);
      stableProbes = 0;
    }
  }
  return false;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
