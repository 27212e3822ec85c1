// Lint rules. The domain and contracts libraries must stay pure (no framework, driver or
// Node built-in imports): the restricted-imports block below keeps them so.
'use strict';
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

const frameworkAndIo = [
  { group: ['@nestjs/*', 'pg', 'pg-*', 'kafkajs', '@electric-sql/*', 'node:*', 'fs', 'path', 'crypto', 'pino', 'prom-client'], message: 'The domain is pure: no frameworks, drivers or Node built-ins.' },
];

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.kafka/**', '.tally/**', 'coverage/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [{ group: ['@tally/*/*'], message: 'Import a library through its index: @tally/<name>.' }] }],
    },
  },
  {
    files: ['libs/credits/**/*.ts', 'libs/contracts/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/bench/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...frameworkAndIo, { group: ['@tally/*/*'], message: 'Import a library through its index.' }] }],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
