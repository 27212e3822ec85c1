// CPU time of the stack's processes by role, read from /proc (user + system): the ledger and the
// projector, the PostgreSQL backends of the run's database by application_name (the apps name
// their connections), and the Kafka broker (every Kafka JVM on the machine: the bench's own
// when it started one). Two samples around a phase divided by its actions give CPU per action.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Client } from 'pg';

export type CpuRole = 'ledger' | 'projector' | 'postgresLedger' | 'postgresProjector' | 'broker';
const ROLES: readonly CpuRole[] = [
  'ledger',
  'projector',
  'postgresLedger',
  'postgresProjector',
  'broker',
];
/** CPU seconds so far of each process of each role, by pid. */
export type CpuSample = Record<CpuRole, Map<number, number>>;
export type CpuPerAction = Record<CpuRole | 'total', number>;

const clockTicksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds of one process so far; 0 when it is gone. */
export function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
  } catch {
    return 0;
  }
}

function kafkaBrokerPids(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return command.includes('java') && command.includes('kafka.Kafka');
      } catch {
        return false;
      }
    })
    .map(Number);
}

const byPid = (pids: (number | undefined)[]): Map<number, number> =>
  new Map(
    pids.filter((pid): pid is number => pid !== undefined).map((pid) => [pid, cpuSecondsOf(pid)]),
  );

export async function sampleCpu(
  reader: Client,
  apps: { ledger: number | undefined; projector: number | undefined },
): Promise<CpuSample> {
  const { rows } = await reader.query<{ pid: number; application_name: string }>(
    'SELECT pid, application_name FROM pg_stat_activity WHERE datname = current_database()',
  );
  const backends = (name: string): Map<number, number> =>
    byPid(rows.filter((row) => row.application_name === name).map((row) => row.pid));
  return {
    ledger: byPid([apps.ledger]),
    projector: byPid([apps.projector]),
    postgresLedger: backends('tally-ledger'),
    postgresProjector: backends('tally-projector'),
    broker: byPid(kafkaBrokerPids()),
  };
}

/**
 * µs of CPU per action by role between two samples, and their sum: each process alive at the
 * second sample counts from the first (or from its start, when it started in between).
 */
export function cpuMicrosPerAction(
  before: CpuSample,
  after: CpuSample,
  actions: number,
): CpuPerAction {
  const per = (role: CpuRole): number => {
    let seconds = 0;
    for (const [pid, now] of after[role]) seconds += now - (before[role].get(pid) ?? 0);
    return Math.round(((Math.max(0, seconds) * 1e6) / actions) * 10) / 10;
  };
  const perAction = Object.fromEntries(ROLES.map((role) => [role, per(role)])) as CpuPerAction;
  perAction.total = Math.round(ROLES.reduce((sum, role) => sum + perAction[role], 0) * 10) / 10;
  return perAction;
}
