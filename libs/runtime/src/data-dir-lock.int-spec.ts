import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, lockDataDir } from './data-dir-lock';

describe('the embedded data directory lock', () => {
  const fresh = (): string => mkdtempSync(join(tmpdir(), 'tally-lock-'));

  it('refuses a directory another live process holds, naming it', () => {
    const dataDir = fresh();
    writeFileSync(join(dataDir, 'tally.lock'), String(process.ppid));
    expect(() => lockDataDir(dataDir)).toThrow(DataDirInUseError);
    expect(() => lockDataDir(dataDir)).toThrow(String(process.ppid));
  });

  it('takes over the lock of a process that is gone, and releases it', () => {
    const dataDir = fresh();
    writeFileSync(join(dataDir, 'tally.lock'), '4194303');
    const release = lockDataDir(dataDir);
    expect(readFileSync(join(dataDir, 'tally.lock'), 'utf8')).toBe(String(process.pid));
    release();
    expect(() => readFileSync(join(dataDir, 'tally.lock'))).toThrow();
  });
});
