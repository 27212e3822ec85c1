import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverUrlFromEnvironment } from '../support/test-database';
import { runChaos } from './chaos';
import { runKafkaScript } from './chaos-kafka';
import { formatChaosReport } from './chaos-report';
import { chaosDefaults } from './chaos.options';

// The short chaos run: same faults and the same audit as `npm run chaos`, on small counts. It
// restarts its broker, so it starts a private one instead of disturbing the shared test broker
// that other e2e suites use in parallel. No timing is asserted.
describe('chaos run (ledger and projector as processes, faults injected)', () => {
  const kafkaHome = mkdtempSync(join(tmpdir(), 'tally-chaos-kafka-'));
  let brokers: string[] = [];

  beforeAll(async () => {
    await runKafkaScript('start', kafkaHome);
    brokers = readFileSync(join(kafkaHome, 'bootstrap'), 'utf8').trim().split(',');
  }, 180_000);

  afterAll(async () => {
    await runKafkaScript('stop', kafkaHome);
    rmSync(kafkaHome, { recursive: true, force: true });
  }, 60_000);

  it('loses, doubles and misroutes nothing, and leaks or double-returns no hold, through a ledger kill, a projector kill, an API kill, a broker restart and a backend termination', async () => {
    const report = await runChaos({
      ...chaosDefaults,
      actions: 5_000,
      workspaces: 200,
      publishRatePerSecond: 400,
      reservations: 300,
      ledgerKills: 1,
      projectorKills: 1,
      apiKills: 1,
      brokerRestarts: 1,
      backendTerminations: 1,
      settleTimeoutMs: 240_000,
      kafkaBrokers: brokers,
      kafkaHome,
      serverUrl: serverUrlFromEnvironment(),
      log: () => undefined,
    });
    const summary = formatChaosReport(report);
    expect({ settled: report.settled, summary }).toEqual({ settled: true, summary });
    expect(report.faults.map((fault) => fault.kind).sort()).toEqual([
      'api-kill',
      'backend-termination',
      'broker-restart',
      'ledger-kill',
      'projector-kill',
    ]);
    expect({
      lost: report.debits.lost.length,
      doubled: report.debits.doubled.length,
      unexpected: report.debits.unexpected.length,
      mispriced: report.debits.mispriced.length,
      misattributed: report.debits.misattributed.length,
    }).toEqual({ lost: 0, doubled: 0, unexpected: 0, mispriced: 0, misattributed: 0 });
    expect(report.debits.workspaceDifferences).toEqual([]);
    // The plan's 5,000 actions and the settles published on holds.
    expect(report.debits.storedCount).toBe(report.debits.expectedCount);
    expect(report.debits.expectedCount).toBeGreaterThan(5_000);
    expect({
      missing: report.dlq.missing,
      extra: report.dlq.extra,
      badHeaders: report.dlq.badHeaders,
    }).toEqual({ missing: [], extra: [], badHeaders: [] });
    expect(report.dlq.matched).toBe(report.dlq.malformedInSource);
    expect(report.projection.mismatches).toEqual([]);
    const holds = report.reservations;
    expect(holds?.findings).toEqual([]);
    // Every kind of end happened: released, expired during the run, still held at the end.
    expect({
      released: (holds?.released ?? 0) > 0,
      expired: (holds?.expired ?? 0) > 0,
      stillHeld: (holds?.stillHeld ?? 0) > 0,
    }).toEqual({ released: true, expired: true, stillHeld: true });
    expect(report.passed).toBe(true);
  }, 600_000);
});
