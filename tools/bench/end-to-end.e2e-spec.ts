import { kafkaBrokers } from '../../test/support/kafka';
import { serverUrlFromEnvironment } from '../support/test-database';
import { runEndToEnd } from './end-to-end.run';

// The short version of `npm run bench`: the same pipeline and correctness checks at a size
// that fits the test suite. Timings are reported by the benchmark, never asserted here.
describe('end-to-end run (short version of npm run bench)', () => {
  it('makes every published action visible in the balances, priced to the µcr', async () => {
    const report = await runEndToEnd(
      {
        workspaces: 300,
        fixedRatePerSecond: 500,
        warmupSeconds: 1,
        fixedRateSeconds: 3,
        fullSpeedActions: 5_000,
        probes: 4,
        probeEvery: 25,
        pollIntervalMs: 5,
      },
      { brokers: kafkaBrokers(), serverUrl: serverUrlFromEnvironment() },
    );
    expect(report.audit.projectedTotalMicro).toBe(report.audit.expectedTotalMicro);
    expect(report.audit.probesUnseen).toBe(0);
    expect(report.fixedRate.latencyMs.samples).toBeGreaterThan(0);
  }, 600_000);
});
