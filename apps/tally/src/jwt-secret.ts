import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const secretFileName = 'jwt-secret';
const secretBytes = 32;

/** `TALLY_JWT_SECRET`, or in embedded mode a secret generated once and kept in the data dir. */
export function jwtSecretFor(dataDir: string, env = process.env): string {
  if (env.TALLY_JWT_SECRET) return env.TALLY_JWT_SECRET;
  const file = join(dataDir, secretFileName);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(secretBytes).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
