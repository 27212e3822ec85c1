import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { repositoryRoot } from './chaos-paths';

const outputKeptChars = 20_000;
const restartAfterCrashMs = 1_000;

/**
 * One of Tally's built apps (`dist/apps/<app>/src/main.js`) as a child process that the chaos
 * driver kills on purpose. An exit it did not ask for is recorded and the app is started again,
 * so a crash of the system under test shows in the report instead of stalling the run.
 */
export class SupervisedApp {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private output = '';
  private stopping = false;
  private killRequested = false;
  readonly unexpectedExits: {
    atMs: number;
    code: number | null;
    signal: string | null;
    outputTail: string;
  }[] = [];
  starts = 0;

  constructor(
    readonly app: 'ledger' | 'projector' | 'billing-api',
    private readonly env: Record<string, string>,
    private readonly clock: () => number,
  ) {}

  start(): void {
    if (this.child) throw new Error(`assertion failed: ${this.app} is already running`);
    const root = repositoryRoot();
    const child = spawn(
      process.execPath,
      [
        '-r',
        join(root, 'scripts', 'register-paths.js'),
        join(root, 'dist', 'apps', this.app, 'src', 'main.js'),
      ],
      {
        cwd: root,
        env: { ...process.env, LOG_LEVEL: 'warn', ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-outputKeptChars);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.child = child;
    this.killRequested = false;
    this.starts += 1;
    this.exited = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        this.child = null;
        if (!this.killRequested && !this.stopping) {
          this.unexpectedExits.push({
            atMs: this.clock(),
            code,
            signal,
            outputTail: this.output.slice(-2_000),
          });
          setTimeout(() => {
            if (!this.stopping && !this.child) this.start();
          }, restartAfterCrashMs);
        }
        resolve();
      }),
    );
  }

  get running(): boolean {
    return this.child !== null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Sends `signal` and waits for the exit; SIGKILL follows if a gentle signal is ignored. */
  async kill(signal: NodeJS.Signals, timeoutMs = 20_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.killRequested = true;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Stops for good (no restart after the exit). */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    await this.kill('SIGTERM', timeoutMs);
  }

  outputTail(): string {
    return this.output.slice(-2_000);
  }
}
