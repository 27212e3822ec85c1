import { randomUUID } from 'node:crypto';
import { createKafkaBus, KafkaCompression, kafkaCompressions, MessageBus } from '@tally/messaging';
import { Database, openDatabase } from '@tally/runtime';
import {
  actionExecuted,
  eventually,
  packPurchased,
  periodStarted,
} from '../../../test/support/action-fixtures';
import { javaProduce, JavaRecord } from '../../../test/support/java-kafka-client';
import { debitTotalsByWorkspace } from '../../../test/support/ledger-audit';
import { kafkaBrokers, uniqueName, uniqueTopicNames } from '../../../test/support/kafka';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';
import { RunningLedger, startLedger } from './ledger.service';

jest.setTimeout(180_000);

// Tally in Kafka mode fed by a producer no one here wrote: Apache Kafka's Java client
// (test/support/java-kafka-client.ts), with each codec a producer may configure.
const Topics = uniqueTopicNames('java-producer');
const actionsPerCodec = 50;
const packsPerCodec = 3;
const recordUpdateMicro = 100n;
const packCredits = '10';
const packCreditsMicro = '10000000';

function javaRecords(
  topic: string,
  compression: KafkaCompression,
  messages: { workspaceId: string }[],
): JavaRecord[] {
  return messages.map((message) => ({
    compression,
    topic,
    key: message.workspaceId,
    value: JSON.stringify(message),
  }));
}

describe('the ledger fed by the Java client with every codec (real Kafka, real PostgreSQL)', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let bus: MessageBus;
  let ledger: RunningLedger;
  const workspaces = new Map<KafkaCompression, string>(
    kafkaCompressions.map((codec) => [codec, randomUUID()]),
  );

  beforeAll(async () => {
    testDatabase = await createTestDatabase('tally_java_producer');
    database = await openDatabase({
      databaseUrl: testDatabase.connectionString,
      dataDir: '.tally-unused',
    });
    bus = createKafkaBus({ brokers: kafkaBrokers(), clientId: 'java-producer-test' });
    ledger = await startLedger({
      store: database.store,
      sql: database.sql,
      bus,
      groupId: uniqueName('ledger'),
      topics: Topics,
    });
    await javaProduce(
      kafkaCompressions.map((codec) => ({
        compression: codec,
        topic: Topics.subscription,
        key: workspaces.get(codec) as string,
        value: JSON.stringify(
          periodStarted(workspaces.get(codec) as string, { allocationMicro: '1000000000000' }),
        ),
      })),
    );
    await eventually(
      async () => {
        for (const workspaceId of workspaces.values()) {
          const events = await database.store.readStream(`credits-${workspaceId}`);
          if (!events.some((event) => event.type === 'CreditPeriodOpened')) return undefined;
        }
        return true;
      },
      60_000,
      'a period opened in every workspace',
    );
  });

  afterAll(async () => {
    await ledger?.stop();
    await bus?.close();
    await database?.close();
    await testDatabase?.drop();
  });

  it('debits every action exactly once and adds every pack once, whatever codec the Java client used, also when it sends them again with another', async () => {
    const actions = new Map(
      kafkaCompressions.map((codec) => [
        codec,
        Array.from({ length: actionsPerCodec }, () =>
          actionExecuted(workspaces.get(codec) as string, { kind: 'record.update' }),
        ),
      ]),
    );
    const packs = new Map(
      kafkaCompressions.map((codec) => [
        codec,
        Array.from({ length: packsPerCodec }, () =>
          packPurchased(workspaces.get(codec) as string, packCredits, `pay-${randomUUID()}`),
        ),
      ]),
    );
    const firstSend = kafkaCompressions.flatMap((codec) => [
      ...javaRecords(Topics.actionExecuted, codec, actions.get(codec) ?? []),
      ...javaRecords(Topics.subscription, codec, packs.get(codec) ?? []),
    ]);
    // A producer retrying after a lost acknowledgement, configured with the next codec by then.
    const secondSend = kafkaCompressions.flatMap((codec, index) => {
      const next = kafkaCompressions[(index + 1) % kafkaCompressions.length] as KafkaCompression;
      return [
        ...javaRecords(Topics.actionExecuted, next, actions.get(codec) ?? []),
        ...javaRecords(Topics.subscription, next, packs.get(codec) ?? []),
      ];
    });
    await javaProduce([...firstSend, 'flush', ...secondSend]);

    await eventually(
      async () => {
        const totals = await debitTotalsByWorkspace(database.store);
        return [...workspaces.values()].every(
          (id) => (totals.get(id)?.count ?? 0) >= actionsPerCodec,
        )
          ? true
          : undefined;
      },
      90_000,
      `${actionsPerCodec} debits in every workspace`,
    );
    // The redelivered copies arrive after the first ones on the same partitions: once every
    // first copy is debited, give the rest a moment to be (not) applied.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const totals = await debitTotalsByWorkspace(database.store);
    for (const codec of kafkaCompressions) {
      const workspaceId = workspaces.get(codec) as string;
      const debits = totals.get(workspaceId);
      expect({ codec, count: debits?.count, amountMicro: debits?.amountMicro }).toEqual({
        codec,
        count: actionsPerCodec,
        amountMicro: BigInt(actionsPerCodec) * recordUpdateMicro,
      });
      expect([...(debits?.sourceEventIds ?? [])].sort()).toEqual(
        (actions.get(codec) ?? []).map((action) => action.eventId).sort(),
      );
      const added = (await database.store.readStream(`credits-${workspaceId}`))
        .filter((event) => event.type === 'CreditPackAdded')
        .map((event) => event.data as { paymentRef: string; creditsMicro: string });
      expect({
        codec,
        packs: added.map((pack) => [pack.paymentRef, pack.creditsMicro]).sort(),
      }).toEqual({
        codec,
        packs: (packs.get(codec) ?? []).map((pack) => [pack.paymentRef, packCreditsMicro]).sort(),
      });
    }
  });
});
