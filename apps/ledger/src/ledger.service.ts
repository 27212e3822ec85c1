import { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { dlqTopicOf } from '@tally/contracts';
import { EventStore, SqlClient } from '@tally/event-store';
import {
  DeadlineScheduler,
  ledgerMigrated,
  StuckPartitions,
  WorkspaceLedger,
  WorkspaceSnapshots,
} from '@tally/ledger';
import { MessageBus, MessageBusTransport } from '@tally/messaging';
import { createLogger, Logger } from '@tally/observability';
import { TopicNames, topicNamesFromEnvironment } from '@tally/runtime';
import { inlineReadModels } from '@tally/projections';
import { LedgerBatchHandler } from './consume-messages/ledger-batch.handler';
import { UndecodableBatches } from './consume-messages/undecodable-batches';
import { LedgerMetrics } from './ledger.metrics';
import { LedgerModule } from './ledger.module';
import { AlertPublisher } from './publish-alerts/alert-publisher';
import { CheckpointStore } from './publish-alerts/checkpoint-store';
import { Lease } from './publish-alerts/lease';

export interface LedgerDependencies {
  store: EventStore;
  sql: SqlClient;
  bus: MessageBus;
  groupId?: string;
  topicPartitions?: number;
  partitionsConcurrentlyMax?: number;
  groupMembersMax?: number;
  publishAlerts?: boolean;
  /** Default: from the environment (TALLY_TOPIC_*), else the design brief's names. */
  topics?: TopicNames;
  logger?: Logger;
  /** How long a partition waits at an undecodable batch before trying it again (default 10 s). */
  undecodableRetryMs?: number;
}

export interface RunningLedger {
  app: INestMicroservice;
  ledger: WorkspaceLedger;
  metrics: LedgerMetrics;
  stop(): Promise<void>;
}

export const ledgerGroupIdDefault = 'tally-ledger';
const topicPartitionsDefault = 8;
// Batches of different partitions hold different workspaces (messages are keyed by workspace),
// so they can be decided and appended concurrently; each partition stays in order. One group
// member per process hands up to 8 partitions' batches to the handler at once. Eight members
// per process (one partition each) were faster once, but their joins raced: a member that did
// not rejoin held a rebalance for up to a minute, twice in ~20 benchmark runs, stalling every
// partition. One member is also faster now that the decide-and-append path is cheaper
// (docs/benchmarks.md).
const partitionsConcurrentlyMaxDefault = 8;
const groupMembersMaxDefault = 1;

/** Starts the ledger microservice on the given store and bus; `stop()` drains and commits. */
export async function startLedger(deps: LedgerDependencies): Promise<RunningLedger> {
  const logger = deps.logger ?? createLogger('ledger');
  await ledgerMigrated(deps.sql); // before consuming: a refused migration stops the start
  const metrics = new LedgerMetrics();
  const topics = deps.topics ?? topicNamesFromEnvironment();
  const ledger = new WorkspaceLedger(deps.store, deps.sql, {
    readModels: await inlineReadModels(deps.sql),
    snapshots: new WorkspaceSnapshots(deps.sql),
    onSnapshotError: (error) =>
      logger.warn(
        { error: (error as Error).message },
        'a workspace snapshot was not saved; loads read more events',
      ),
  });
  const groupId = deps.groupId ?? ledgerGroupIdDefault;
  const undecodable = new UndecodableBatches(
    new StuckPartitions(deps.sql),
    deps.bus,
    metrics,
    logger,
    groupId,
  );
  await undecodable.load();
  const handler = new LedgerBatchHandler(ledger, deps.bus, metrics, logger, topics, undecodable);
  const alerts =
    deps.publishAlerts === false ? null : alertPublisherOf(deps, metrics, logger, topics);
  const partitions = deps.topicPartitions ?? topicPartitionsDefault;
  // The DLQ topics too: a dead letter that cannot be published would stop its partition.
  const consumed = [topics.actionExecuted, topics.subscription];
  await deps.bus.ensureTopics(
    [...consumed, ...consumed.map(dlqTopicOf), topics.balanceAlerts].map((name) => ({
      name,
      partitions,
    })),
  );
  const app = await NestFactory.createMicroservice(LedgerModule.register(handler, alerts, topics), {
    logger: false,
    strategy: new MessageBusTransport({
      bus: deps.bus,
      groupId,
      partitionsConcurrentlyMax: deps.partitionsConcurrentlyMax ?? partitionsConcurrentlyMaxDefault,
      groupMembersMax: deps.groupMembersMax ?? groupMembersMaxDefault,
      onAssignment: (assignments) => {
        // States of partitions we may have lost are stale now; reload lazily from the store.
        ledger.forgetAll();
        undecodable.assigned(assignments);
        logger.info({ assignments }, 'partitions assigned');
      },
      onError: (error) => logger.error({ err: error }, 'batch failed; it will be redelivered'),
      onUndecodableBatch: (batch) => undecodable.decide(batch),
      undecodableRetryMs: deps.undecodableRetryMs,
    }),
  });
  await app.listen();
  logger.info({ groupId }, 'ledger consuming');
  const deadlines = startDeadlineScheduler(ledger, deps.sql, metrics, logger);
  return {
    app,
    ledger,
    metrics,
    stop: async () => {
      await deadlines.stop();
      await app.close();
    },
  };
}

const deadlineLeaseMs = 10_000;
const deadlineLeaseRenewMs = 2_000;

/**
 * Expires grants and reservations on time (DeadlineScheduler). Of several ledger instances the
 * holder of a lease acts; another takes over within the lease's 10 s if it stops. Two acting at
 * once would only decide nothing twice (docs/reservations.md, *Time*).
 */
function startDeadlineScheduler(
  ledger: WorkspaceLedger,
  sql: SqlClient,
  metrics: LedgerMetrics,
  logger: Logger,
): DeadlineScheduler {
  const lease = new Lease(sql, 'deadline-scheduler', deadlineLeaseMs);
  let heldUntilMs = 0;
  const scheduler = new DeadlineScheduler(ledger, sql, {
    mayAct: async () => {
      if (Date.now() < heldUntilMs) return true;
      const held = await lease.tryHold();
      heldUntilMs = held ? Date.now() + deadlineLeaseRenewMs : 0;
      return held;
    },
    onDecided: (lateness) => {
      for (const ms of lateness) metrics.deadlineLateness.observe(ms / 1_000);
    },
    onError: (error) => logger.error({ err: error }, 'expiring due grants and reservations failed'),
  });
  scheduler.start();
  return scheduler;
}

function alertPublisherOf(
  deps: LedgerDependencies,
  metrics: LedgerMetrics,
  logger: Logger,
  topics: TopicNames,
): AlertPublisher {
  return new AlertPublisher(
    deps.store,
    deps.bus,
    new CheckpointStore(deps.sql),
    metrics,
    logger,
    topics.balanceAlerts,
    deps.sql,
  );
}
