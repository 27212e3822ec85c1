import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createPgliteEventStore, EventStore, SqlClient } from '@tally/event-store';
import { createInProcessBus, MessageBus } from '@tally/messaging';
import { createBillingApi } from '../billing-api';

// For the OpenAPI specs: the billing API on the embedded store and the in-process bus, listening
// on 127.0.0.1, and the tools of node_modules run on the document it serves.

export const REPOSITORY_ROOT = resolve(__dirname, '..', '..', '..', '..');

export interface ServedApi {
  baseUrl: string;
  jwtSecret: string;
  /** The document as served at /docs-json. */
  document: Record<string, unknown>;
  close(): Promise<void>;
}

export async function startServedApi(jwtSecret: string): Promise<ServedApi> {
  const store: EventStore & { sql: SqlClient } = await createPgliteEventStore();
  const bus: MessageBus = createInProcessBus();
  const app: NestExpressApplication = await createBillingApi({
    store,
    sql: store.sql,
    bus,
    jwtSecret,
  });
  await app.listen(0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const response = await fetch(`${baseUrl}/docs-json`);
  if (response.status !== 200) throw new Error(`GET /docs-json answered ${response.status}`);
  const document = (await response.json()) as Record<string, unknown>;
  return {
    baseUrl,
    jwtSecret,
    document,
    close: async () => {
      await app.close();
      await bus.close();
      await store.close();
    },
  };
}

/** Writes the document to a fresh temporary folder; returns its path and a cleanup. */
export async function documentFile(
  document: unknown,
): Promise<{ path: string; remove(): Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'tally-openapi-'));
  const path = join(folder, 'openapi.json');
  await writeFile(path, JSON.stringify(document, null, 2));
  return { path, remove: () => rm(folder, { recursive: true, force: true }) };
}

const run = promisify(execFile);

/** Runs a Node CLI from node_modules (no network: Redocly's telemetry and update check off). */
export async function runNodeTool(
  script: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    REDOCLY_TELEMETRY: 'off',
    REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
    NO_COLOR: '1',
  };
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(REPOSITORY_ROOT, 'node_modules', script), ...args],
      { cwd: REPOSITORY_ROOT, env, maxBuffer: 64 * 1024 * 1024 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? String(error),
    };
  }
}
