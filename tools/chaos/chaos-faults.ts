import { terminateBackends } from '../support/test-database';
import { SupervisedApp } from './chaos-apps';
import { restartBroker } from './chaos-kafka';
import { Random } from './chaos-random';

export type FaultKind =
  'ledger-kill' | 'projector-kill' | 'api-kill' | 'broker-restart' | 'backend-termination';

export interface PlannedFault {
  kind: FaultKind;
  atMs: number;
}

export interface InjectedFault extends PlannedFault {
  durationMs: number;
  detail: string;
}

export interface FaultCounts {
  ledgerKills: number;
  projectorKills: number;
  apiKills: number;
  brokerRestarts: number;
  backendTerminations: number;
}

/** Fault times drawn from the seeded generator, spread over 10–90 % of the publishing window. */
export function planFaults(random: Random, counts: FaultCounts, windowMs: number): PlannedFault[] {
  const at = (): number => Math.round(windowMs * (0.1 + 0.8 * random.next()));
  const planned: PlannedFault[] = [];
  const add = (kind: FaultKind, count: number): void => {
    for (let index = 0; index < count; index += 1) planned.push({ kind, atMs: at() });
  };
  add('ledger-kill', counts.ledgerKills);
  add('projector-kill', counts.projectorKills);
  add('api-kill', counts.apiKills);
  add('broker-restart', counts.brokerRestarts);
  add('backend-termination', counts.backendTerminations);
  return planned.sort((a, b) => a.atMs - b.atMs);
}

export interface FaultTargets {
  ledger: SupervisedApp;
  projector: SupervisedApp;
  /** The billing API, when the run drives reservations. */
  api: SupervisedApp | null;
  kafkaHome: string;
  serverUrl: string;
  databaseName: string;
  restartPauseMs: () => number;
  clock: () => number;
  log: (line: string) => void;
}

/**
 * Injects the planned faults. Faults of one kind run one after another (a kill waits for the
 * previous restart); different kinds overlap freely, as they would in production.
 */
export async function injectFaults(
  planned: PlannedFault[],
  targets: FaultTargets,
): Promise<InjectedFault[]> {
  const injected: InjectedFault[] = [];
  const kinds = [...new Set(planned.map((fault) => fault.kind))];
  await Promise.all(
    kinds.map(async (kind) => {
      for (const fault of planned.filter((candidate) => candidate.kind === kind)) {
        const wait = fault.atMs - targets.clock();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const startedMs = targets.clock();
        const detail = await inject(kind, targets);
        const done: InjectedFault = {
          kind,
          atMs: startedMs,
          durationMs: targets.clock() - startedMs,
          detail,
        };
        injected.push(done);
        targets.log(
          `fault at ${(startedMs / 1_000).toFixed(1)} s: ${kind} (${detail}, ${done.durationMs} ms)`,
        );
      }
    }),
  );
  return injected.sort((a, b) => a.atMs - b.atMs);
}

async function inject(kind: FaultKind, targets: FaultTargets): Promise<string> {
  switch (kind) {
    case 'ledger-kill':
      return killAndRestart(targets.ledger, targets.restartPauseMs());
    case 'projector-kill':
      return killAndRestart(targets.projector, targets.restartPauseMs());
    case 'api-kill':
      if (!targets.api) throw new Error('assertion failed: an API kill planned without the API');
      return killAndRestart(targets.api, targets.restartPauseMs());
    case 'broker-restart':
      await restartBroker(targets.kafkaHome);
      return 'kafka.sh restart';
    case 'backend-termination': {
      const terminated = await terminateBackends(targets.serverUrl, targets.databaseName);
      return `${terminated} backends terminated`;
    }
    default: {
      const unexpected: never = kind;
      throw new Error(`assertion failed: unknown fault ${String(unexpected)}`);
    }
  }
}

async function killAndRestart(app: SupervisedApp, pauseMs: number): Promise<string> {
  const pid = app.pid;
  await app.kill('SIGKILL');
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
  // A crash restart may have beaten us to it.
  if (!app.running) app.start();
  return `SIGKILL pid ${pid ?? 'none'}, down ${pauseMs} ms`;
}
