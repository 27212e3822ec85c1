// The embedded mode's capacity: `npm start`'s one process (PGlite, the in-process bus, ledger,
// projector and API) in a fresh data directory, reservations through @tally/client at fixed
// rates over 100 workspaces, 15 s each. Run: npm run bench:embedded (BENCH_EMBEDDED_RATES,
// default 25,50,100,200).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreditsClient } from '@tally/client';
import { runAtFixedRate, summary } from './fixed-rate';

const rates = (process.env.BENCH_EMBEDDED_RATES ?? '25,50,100,200').split(',').map(Number);
const seconds = 15;
const workspaceCount = 100;
const repositoryRoot = join(__dirname, '..', '..', '..');

/** `rate` holds a second for `seconds` (a 10 s limit per call, no retries): latency, failures. */
async function atRate(client: CreditsClient, workspaces: string[], rate: number) {
  const reserve = async (index: number): Promise<number> => {
    const sent = performance.now();
    const workspaceId = workspaces[index % workspaces.length] as string;
    await client.reserve(workspaceId, { reservationId: randomUUID(), amountMicro: 1_000n });
    return performance.now() - sent;
  };
  const run = await runAtFixedRate(rate, seconds, reserve, { stopAtFirstFailure: false });
  const { p50, p99 } = summary(run.latencies);
  return {
    offeredPerSecond: rate,
    answeredPerSecond: Math.round(run.latencies.length / run.elapsedS),
    latencyMs: { p50, p99 },
    failed: run.failures.length,
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-embedded-bench-'));
  const port = 30_000 + Math.floor(Math.random() * 10_000);
  const tally = spawn(
    process.execPath,
    [
      '-r',
      join(repositoryRoot, 'scripts', 'register-paths.js'),
      join(repositoryRoot, 'dist', 'apps', 'tally', 'src', 'main.js'),
    ],
    {
      cwd: repositoryRoot,
      env: {
        ...process.env,
        PORT: String(port),
        TALLY_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        KAFKA_BROKERS: '',
        DATABASE_URL: '',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    let printed = '';
    const token = await new Promise<string>((resolve, reject) => {
      tally.once('exit', (code) => reject(new Error(`npm start's process exited (${code})`)));
      tally.stdout.on('data', (chunk: Buffer) => {
        printed += chunk.toString('utf8');
        const found = /Token[^\n]*\n\s+(\S+)/.exec(printed);
        if (found) resolve(found[1] as string);
      });
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    const client = new CreditsClient({ baseUrl, token, retry: { attemptsMax: 1 } });
    const workspaces = Array.from({ length: workspaceCount }, () => randomUUID());
    for (const workspaceId of workspaces) {
      const granted = await fetch(`${baseUrl}/v1/workspaces/${workspaceId}/credit-grants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ grantType: 'compensation', credits: '100000', reference: 'bench' }),
      });
      if (granted.status !== 201)
        throw new Error(`grant: ${granted.status} ${await granted.text()}`);
    }
    const phases = [];
    for (const rate of rates) phases.push(await atRate(client, workspaces, rate));
    client.close();
    console.log(
      JSON.stringify({ benchmark: 'embedded', workspaces: workspaceCount, seconds, phases }),
    );
  } finally {
    if (tally.exitCode === null && tally.signalCode === null) {
      const exited = new Promise((resolve) => tally.once('exit', resolve));
      tally.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
