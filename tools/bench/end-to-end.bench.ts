// npm run bench — the full-size end-to-end benchmark; writes docs/benchmarks-e2e.{json,svg}.
// Sizes: BENCH_WORKSPACES, BENCH_RATE, BENCH_WARMUP_SECONDS, BENCH_RATE_SECONDS, BENCH_FULL_ACTIONS.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serverUrlFromEnvironment } from '../support/test-database';
import { renderChart } from './chart';
import { fullSizeSettings, runEndToEnd } from './end-to-end.run';

async function main(): Promise<void> {
  const report = await runEndToEnd(
    {
      ...fullSizeSettings,
      workspaces: Number(process.env.BENCH_WORKSPACES ?? fullSizeSettings.workspaces),
      fixedRatePerSecond: Number(process.env.BENCH_RATE ?? fullSizeSettings.fixedRatePerSecond),
      warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? fullSizeSettings.warmupSeconds),
      fixedRateSeconds: Number(process.env.BENCH_RATE_SECONDS ?? fullSizeSettings.fixedRateSeconds),
      fullSpeedActions: Number(process.env.BENCH_FULL_ACTIONS ?? fullSizeSettings.fullSpeedActions),
    },
    {
      brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
      serverUrl: serverUrlFromEnvironment(),
    },
  );
  console.log(JSON.stringify(report, null, 2));
  const docs = join(__dirname, '..', '..', '..', 'docs');
  writeFileSync(join(docs, 'benchmarks-e2e.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(docs, 'benchmarks-e2e.svg'), renderChart(report));
  if (report.audit.expectedTotalMicro !== report.audit.projectedTotalMicro) {
    console.error('AUDIT FAILED: the projected total differs from the priced total');
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
