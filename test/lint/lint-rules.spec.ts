import path from 'node:path';
import { ESLint } from 'eslint';

// The lint rule's promise, held by feeding it every forbidden form: each must be an error.
// The config is handed over as an object: ESLint would load the file by dynamic import, which
// Jest's CommonJS runtime cannot do.
const root = path.join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require(path.join(root, 'eslint.config.js')) as ESLint.Options['overrideConfig'];
const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config ?? null });

// The rules each error came from. A probe that does not parse is a broken test, and an unused
// import is not what a probe is about: neither may count as the rule catching the form.
async function messagesFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  const errors = (result?.messages ?? []).filter((message) => message.severity === 2);
  const fatal = errors.find((message) => message.fatal === true || message.ruleId === null);
  if (fatal) throw new Error(`the probe does not parse: ${fatal.message}\n${code}`);
  return errors
    .map((message) => message.ruleId as string)
    .filter((ruleId) => ruleId !== '@typescript-eslint/no-unused-vars');
}

const domainFile = 'libs/credits/src/workspace-credits/probe.ts';
const contractsFile = 'libs/contracts/src/probe.ts';

describe('the lint rule keeps the domain and the contracts pure', () => {
  it.each([
    ["import { readFileSync } from 'fs';", 'a bare Node built-in'],
    ["import { EventEmitter } from 'events';", 'bare events'],
    ["import { hostname } from 'os';", 'bare os'],
    ["import { request } from 'http';", 'bare http'],
    ["import { hash } from 'node:crypto';", 'a node: built-in'],
    ["import { Injectable } from '@nestjs/common';", 'a framework'],
    ["import { Pool } from 'pg';", 'a driver'],
    ["import { Kafka } from 'kafkajs';", 'kafkajs'],
    ["import { EventStore } from '@tally/event-store';", 'the event store'],
    ["import { MessageBus } from '@tally/messaging';", 'messaging'],
    ["import { WorkspaceLedger } from '@tally/ledger';", 'the ledger'],
    ["import { limits } from '@tally/contracts/src/limits';", 'a deep import'],
    [
      "import { storedEventId } from '../../../ledger/src/event-ids';",
      'a relative deep import into another library',
    ],
    ["import { Subject } from 'rxjs';", 'a package no denylist names'],
    ["import { plainToInstance } from 'class-transformer';", 'class-transformer'],
    ["import { Command } from 'commander';", 'commander'],
    ["import { compress } from 'snappy';", 'snappy'],
    ["import type { Readable } from 'stream';", 'a type-only import of a package'],
    ["import { given } from '@tally/testing';", 'the test helpers'],
    ["import { storedEventId } from 'libs/ledger/src/event-ids';", 'a path through baseUrl'],
    ["import { limits } from 'libs/contracts/src/limits';", 'the contracts through baseUrl'],
    ["import data from '../../../../package.json';", 'a JSON file outside libs/credits'],
    ["export { storedEventId } from '@tally/ledger';", 'a re-export of an adapter'],
    ["import fs = require('fs');", 'import = require()'],
    ["export const load = () => import('pg');", 'a dynamic import'],
    ["export type Store = import('@tally/event-store').EventStore;", 'an import() type'],
    ['export const now = (): number => Date.now();', 'Date.now'],
    ['export const now = (): Date => new Date();', 'new Date()'],
    ['export const now = (): string => Date();', 'Date() without new'],
    ['export const now = (): number => performance.now();', 'performance'],
    ['export const id = (): string => crypto.randomUUID();', 'crypto'],
    ['export const later = (f: () => void): unknown => setTimeout(f, 1);', 'setTimeout'],
    ['export const tick = (f: () => void): unknown => setInterval(f, 1);', 'setInterval'],
    ['export const get = (): Promise<unknown> => fetch("http://x");', 'fetch'],
    ['export const now = (): number => globalThis.Date.now();', 'globalThis'],
    ['export const exit = (): never => process.exit(1);', 'process'],
    ['export const roll = (): number => Math.random();', 'Math.random'],
    ['export const mode = (): string | undefined => process.env.MODE;', 'process.env'],
  ])('refuses %s in the domain (%s)', async (code) => {
    expect(await messagesFor(domainFile, `${code}\nexport {};\n`)).not.toEqual([]);
  });

  it.each([
    ["import { decide } from '@tally/credits';", 'the domain'],
    ["import { storedEventId } from '@tally/ledger';", 'an adapter'],
    ["import { EventEmitter } from 'events';", 'a Node built-in'],
    ['export const now = (): number => Date.now();', 'Date.now'],
    ['export const now = (): string => Date();', 'Date() without new'],
    ['export const id = (): string => crypto.randomUUID();', 'crypto'],
    ["import { limits } from 'libs/contracts/src/limits';", 'a path through baseUrl'],
  ])('refuses %s in the contracts (%s)', async (code) => {
    expect(await messagesFor(contractsFile, `${code}\nexport {};\n`)).not.toEqual([]);
  });

  it('accepts what the domain may import', async () => {
    const code = [
      "import { AMOUNT_MICRO_MAX } from '@tally/contracts';",
      "import { evolve } from './workspace-credits.evolve';",
      "import { priceOf } from '../price-books/price-book';",
      "import book from '../price-books/2026-01-default.json';",
      'export { AMOUNT_MICRO_MAX, book, evolve, priceOf };',
      'export const at = (ms: number): string => new Date(ms).toISOString();',
      '',
    ].join('\n');
    expect(await messagesFor(domainFile, code)).toEqual([]);
  });

  it("lets the domain's specs use test helpers", async () => {
    const code = "import { given } from '@tally/testing';\nexport { given };\n";
    expect(await messagesFor('libs/credits/src/workspace-credits/probe.spec.ts', code)).toEqual([]);
  });
});

describe('the lint rule keeps every import on its one path', () => {
  const importing = (source: string): string => `import { x } from '${source}';\nexport { x };\n`;

  it.each([
    ['libs/projections/src/probe.ts', 'libs/ledger/src/workspace-stream', 'a library'],
    ['apps/ledger/src/probe.ts', 'libs/ledger/src', "a library's index"],
    ['apps/ledger/src/probe.ts', 'apps/billing-api/src', 'an app'],
    ['libs/ledger/src/probe.spec.ts', 'libs/event-store/src/sql', 'in a spec'],
    ['tools/bench/probe.ts', 'tools/support/test-database', 'in a tool'],
  ])('refuses a path through baseUrl in %s (%s: %s)', async (file, source) => {
    expect(await messagesFor(file, importing(source))).toContain('no-restricted-imports');
  });

  it.each([
    ['libs/projections/src/probe.ts', '../../ledger/src/workspace-stream', 'into another library'],
    [
      'libs/projections/src/probe.ts',
      '../../../apps/billing-api/src',
      'from a library into an app',
    ],
    ['libs/ledger/src/probe.ts', '../../../tools/support/test-database', 'into tools/'],
    ['apps/ledger/src/probe.ts', '../../../libs/ledger/src', "into a library's index"],
    ['apps/ledger/src/probe.ts', '../../../libs/ledger/src/event-ids', 'deep into a library'],
    ['apps/tally/src/probe.ts', '../../billing-api/src/auth/auth.guard', 'deep into another app'],
    [
      'apps/ops/src/probe.spec.ts',
      '../../../libs/ledger/src/event-ids',
      'from a spec into a library',
    ],
    ['test/support/probe.ts', '../../libs/ledger/src', "from test support into a library's src"],
  ])('refuses in %s the relative import %s (%s)', async (file, source) => {
    expect(await messagesFor(file, importing(source))).toContain(
      'tally/relative-imports-stay-home',
    );
  });

  it.each([
    ['apps/tally/src/probe.ts', '../../billing-api/src', "an app composing another app's index"],
    [
      'apps/ops/src/probe.int-spec.ts',
      '../../../tools/support/test-database',
      'a spec: tools/support',
    ],
    [
      'apps/ops/src/probe.int-spec.ts',
      '../../../libs/projections/test/replay-views',
      "a spec: a library's test support",
    ],
    [
      'apps/ledger/src/probe.int-spec.ts',
      '../../ops/src/commands/dlq-stuck.command',
      'a spec: the app it drives',
    ],
    ['test/support/probe.ts', '../../apps/ledger/src', 'test support: an app'],
    ['apps/projector/bench/probe.ts', '../../../tools/bench/load-mix', 'a bench: a tool'],
  ])('accepts in %s the relative import %s (%s)', async (file, source) => {
    expect(await messagesFor(file, importing(source))).toEqual([]);
  });
});
