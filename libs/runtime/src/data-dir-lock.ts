import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

// Embedded PostgreSQL (PGlite) is one process's files: a second process opening the same
// directory corrupts the store beyond repair. The first opener writes its pid to a lock file;
// any other process refuses to open while that pid lives. A lock left by a killed process
// (its pid gone) is taken over.
const LOCK_FILE = 'tally.lock';

export class DataDirInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `the embedded data directory ${dataDir} is in use by process ${pid}: stop it first (two processes on one embedded store corrupt it), or point this command at the same store through DATABASE_URL`,
    );
    this.name = 'DataDirInUseError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holderOf(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Takes the directory's lock for this process; returns its release. Throws DataDirInUseError. */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = holderOf(path);
      if (holder !== null && holder !== process.pid && isAlive(holder))
        throw new DataDirInUseError(dataDir, holder);
      rmSync(path, { force: true }); // a stale lock of a process that is gone
    }
  }
  throw new Error(`could not take the lock ${path}`);
}
