#!/usr/bin/env python3
"""CPU seconds per process group, sampled from /proc once a second, while `npm run bench` or
`npm run bench:reservations` runs.

Usage: python3 tools/bench/cpu-by-process.py OUT.log   (stop it with Ctrl-C or kill)

Each line: `<epoch seconds> lsn=<WAL position> <group>=<cumulative CPU seconds> ...`. Groups: the
load generator, the ledger, projector and billing API processes, the Kafka JVM, and PostgreSQL backends of the
bench databases split by their `application_name` (the apps name their connections). The
difference of two lines divided by the actions in between is CPU per action (docs/benchmarks.md).
A process that exits drops out of the sums: end a window before the bench stops the ledger.
"""
import os
import subprocess
import sys
import time

HZ = os.sysconf('SC_CLK_TCK')


def psql(query):
    return subprocess.run(['psql', '-h', '127.0.0.1', '-U', 'postgres', '-Atc', query],
                          capture_output=True, text=True).stdout.strip()


def group_of(pid, application_names):
    try:
        cmd = open(f'/proc/{pid}/cmdline', 'rb').read().replace(b'\0', b' ').decode(errors='replace')
    except OSError:
        return None
    if 'postgres' in cmd and 'tally_bench' in cmd:
        return 'pg-' + (application_names.get(pid) or 'bench')
    if cmd.startswith('postgres') or '/postgres' in cmd.split(' ')[0]:
        return 'pg-other'
    if 'java' in cmd:
        return 'kafka'
    if 'apps/ledger' in cmd:
        return 'ledger'
    if 'apps/projector' in cmd:
        return 'projector'
    if 'apps/billing-api' in cmd:
        return 'billing-api'
    if 'end-to-end' in cmd or 'reservations.bench' in cmd:
        return 'generator'
    return None


def main(path):
    with open(path, 'w') as out:
        while True:
            # One psql call a second (psql itself costs ~1 % of a core at this pace).
            names = dict(line.split('|', 1) for line in psql(
                "select pid::text, application_name from pg_stat_activity where datname like 'tally_bench%' "
                "union all select 'lsn', pg_current_wal_lsn()::text").splitlines())
            lsn = names.pop('lsn', '')
            totals = {}
            for pid in filter(str.isdigit, os.listdir('/proc')):
                group = group_of(pid, names)
                if group is None:
                    continue
                try:
                    fields = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
                except OSError:
                    continue
                totals[group] = totals.get(group, 0) + (int(fields[11]) + int(fields[12])) / HZ
            out.write(f'{time.time():.1f} lsn={lsn} ' + ' '.join(f'{k}={v:.1f}' for k, v in sorted(totals.items())) + '\n')
            out.flush()
            time.sleep(1)


if __name__ == '__main__':
    main(sys.argv[1])
