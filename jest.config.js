// Three tiers, selected by file suffix (see docs/development.md):
//   unit         *.spec.ts      pure, no I/O
//   integration  *.int-spec.ts  real PostgreSQL and real Kafka
//   e2e          *.e2e-spec.ts  the apps as processes
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const swcConfig = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcConfig, swcrc: false }] },
  moduleNameMapper: { '^@tally/([a-z0-9-]+)$': '<rootDir>/libs/$1/src' },
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  setupFiles: ['reflect-metadata'],
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.js',
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/{apps,libs,test,tools}/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.js',
    },
  ],
};
