import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root, from the sources (Jest) or from the build output under dist/. */
export function repositoryRoot(): string {
  let directory = __dirname;
  for (let depth = 0; depth < 6; depth += 1) {
    if (existsSync(join(directory, 'scripts', 'register-paths.js'))) return directory;
    directory = join(directory, '..');
  }
  throw new Error(`assertion failed: no repository root above ${__dirname}`);
}
