import path from 'node:path';
import { ESLint } from 'eslint';

// The lint rule's promise, held by feeding it every forbidden form: each must be an error.
// The config is handed over as an object: ESLint would load the file by dynamic import, which
// Jest's CommonJS runtime cannot do.
const root = path.join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require(path.join(root, 'eslint.config.js')) as ESLint.Options['overrideConfig'];
const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config ?? null });

async function messagesFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((message) => message.severity === 2)
    .map((message) => message.ruleId ?? message.message);
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
    ["export const load = () => import('pg');", 'a dynamic import'],
    ['export const now = (): number => Date.now();', 'Date.now'],
    ['export const now = (): Date => new Date();', 'new Date()'],
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
  ])('refuses %s in the contracts (%s)', async (code) => {
    expect(await messagesFor(contractsFile, `${code}\nexport {};\n`)).not.toEqual([]);
  });

  it('refuses a relative import from one library into another anywhere in libs/', async () => {
    expect(
      await messagesFor(
        'libs/projections/src/probe.ts',
        "import { x } from '../../ledger/src/workspace-stream';\nexport { x };\n",
      ),
    ).toContain('tally/no-relative-across-libraries');
  });

  it('accepts what the domain may import', async () => {
    const code =
      "import { AMOUNT_MICRO_MAX } from '@tally/contracts';\nimport { evolve } from './workspace-credits.evolve';\nexport { AMOUNT_MICRO_MAX, evolve };\n";
    expect(await messagesFor(domainFile, code)).toEqual([]);
  });
});
