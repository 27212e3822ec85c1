import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import { createLogger } from '@tally/observability';
import { eventually } from '../../../test/support/action-fixtures';
import {
  kafkaBrokers,
  topicEnvironment,
  uniqueName,
  uniqueTopicNames,
} from '../../../test/support/kafka';
import { createTestDatabase, TestDatabase } from '../../../tools/support/test-database';
import { RunningTally, startTally } from './tally';

jest.setTimeout(120_000);

describe('npm start over Kafka and PostgreSQL (real Kafka, real PostgreSQL)', () => {
  let testDatabase: TestDatabase;
  let dataDir: string;
  let tally: RunningTally | undefined;
  const groupId = uniqueName('tally-ledger');

  beforeAll(async () => {
    testDatabase = await createTestDatabase('tally_all_in_one');
    dataDir = mkdtempSync(join(tmpdir(), 'tally-all-in-one-'));
    tally = await startTally(createLogger('tally-test'), {
      ...process.env,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      DATABASE_URL: testDatabase.connectionString,
      TALLY_DATA_DIR: dataDir,
      TALLY_LEDGER_GROUP_ID: groupId,
      PORT: '0',
      METRICS_PORT: '0',
      ...topicEnvironment(uniqueTopicNames('all-in-one')),
    });
  });

  afterAll(async () => {
    for (const close of tally?.closers ?? []) await close();
    await testDatabase?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('consumes in the group TALLY_LEDGER_GROUP_ID names, as the standalone ledger does', async () => {
    const admin = new Kafka({ clientId: 'all-in-one-admin', brokers: kafkaBrokers() }).admin();
    await admin.connect();
    try {
      await eventually(
        async () => {
          const { groups } = await admin.describeGroups([groupId]);
          return groups[0]?.state === 'Stable' ? true : undefined;
        },
        60_000,
        `the consumer group ${groupId}`,
      );
    } finally {
      await admin.disconnect();
    }
  });

  it("serves the ledger's and the projector's metrics on METRICS_PORT", async () => {
    const response = await fetch(`http://127.0.0.1:${tally?.metricsPort}/metrics`);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain('# TYPE tally_ledger_partition_stuck gauge');
    expect(body).toContain('tally_ledger_messages_consumed_total');
    expect(body).toMatch(/^# TYPE tally_projector_\w+/m);
  });
});
