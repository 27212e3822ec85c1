import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

// From tools/support (source, under Jest) or dist/tools/support (built): find the repository.
const repositoryRoot = __dirname.includes(`${join('dist', 'tools')}`)
  ? join(__dirname, '..', '..', '..')
  : join(__dirname, '..', '..');

/** One of Tally's apps running as its own process from the `npm run build` output. */
export interface AppProcess {
  child: ChildProcess;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** `TALLY_APP_NODE_ARGS` adds node flags to every app, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`. */
export function startAppProcess(app: string, env: Record<string, string>): AppProcess {
  const nodeArgs = (process.env.TALLY_APP_NODE_ARGS ?? '')
    .split(' ')
    .filter((arg) => arg.length > 0);
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      '-r',
      join(repositoryRoot, 'scripts', 'register-paths.js'),
      join(repositoryRoot, 'dist', 'apps', app, 'src', 'main.js'),
    ],
    {
      cwd: repositoryRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  // TALLY_APP_OUTPUT=inherit also copies every line to this process's stderr (diagnosing a run).
  const forward = process.env.TALLY_APP_OUTPUT === 'inherit';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
    if (forward) process.stderr.write(`[${app}] ${chunk.toString('utf8')}`);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
