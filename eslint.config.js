// Lint rules. Imports point one way (apps → adapters → ports → domain → contracts): the domain
// and the contracts stay pure (no framework, driver, Node built-in, clock, randomness or
// environment), the contracts import no other library of ours, and a library is reached only
// through its index. test/lint/lint-rules.spec.ts feeds every forbidden form in and expects an error.
'use strict';
const path = require('node:path');
const { builtinModules } = require('node:module');
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
const throughIndex = {
  group: ['@tally/*/*'],
  message: 'Import a library through its index: @tally/<name>.',
};
const frameworkAndIo = {
  group: [
    '@nestjs/*',
    'pg',
    'pg-*',
    'kafkajs',
    '@electric-sql/*',
    'pino',
    'prom-client',
    'express',
    'jose',
    'helmet',
  ],
  message: 'The domain is pure: no frameworks or drivers.',
};
const builtins = { group: nodeBuiltins, message: 'The domain is pure: no Node built-ins.' };
const adapters = {
  group: [
    '@tally/event-store',
    '@tally/messaging',
    '@tally/ledger',
    '@tally/projections',
    '@tally/runtime',
    '@tally/observability',
    '@tally/forecast',
  ],
  message: 'The domain imports only @tally/contracts: adapters depend on it, not the other way.',
};
const anyOtherLibrary = {
  group: ['@tally/*'],
  message: 'The contracts are the bottom layer: they import no other library of ours.',
};

// Time, randomness and configuration arrive on the command: the domain never reads them itself.
const impureReads = [
  {
    object: 'Date',
    property: 'now',
    message: 'The domain never reads a clock: time arrives on the command.',
  },
  { object: 'Math', property: 'random', message: 'The domain is deterministic: no Math.random.' },
  {
    object: 'process',
    property: 'env',
    message: 'The domain reads no environment: configuration arrives as arguments.',
  },
];
const impureSyntax = [
  { selector: 'ImportExpression', message: 'No dynamic import() in the domain or the contracts.' },
  {
    selector: "CallExpression[callee.name='require']",
    message: 'No require() in the domain or the contracts.',
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'The domain never reads a clock: time arrives on the command.',
  },
];

/** A relative import from one library (libs/<name>) into another reaches into its internals. */
const noRelativeAcrossLibraries = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const libraryOf = (file) => {
      const parts = path.relative(path.join(__dirname, 'libs'), file).split(path.sep);
      return parts[0] === '..' || parts.length < 2 ? null : parts[0];
    };
    const check = (node) => {
      const source = node.source && node.source.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const from = libraryOf(context.filename);
      if (from === null) return;
      const to = libraryOf(path.resolve(path.dirname(context.filename), source));
      if (to !== null && to !== from)
        context.report({
          node,
          message: `Import @tally/${to} through its index, not by a relative path out of libs/${from}.`,
        });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.kafka*/**', '.tally/**', 'coverage/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { tally: { rules: { 'no-relative-across-libraries': noRelativeAcrossLibraries } } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-imports': ['error', { patterns: [throughIndex] }],
      'tally/no-relative-across-libraries': 'error',
    },
  },
  {
    files: ['libs/credits/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: builtins.message })),
          patterns: [frameworkAndIo, adapters, throughIndex],
        },
      ],
      'no-restricted-properties': ['error', ...impureReads],
      'no-restricted-syntax': ['error', ...impureSyntax],
    },
  },
  {
    files: ['libs/contracts/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: builtins.message })),
          patterns: [frameworkAndIo, anyOtherLibrary],
        },
      ],
      'no-restricted-properties': ['error', ...impureReads],
      'no-restricted-syntax': ['error', ...impureSyntax],
    },
  },
  {
    // Production code reads in functions that fit on a screen (docs/architecture.md); tests may
    // keep a describe block's cases together.
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'tools/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/test/**'],
    rules: {
      'max-lines-per-function': ['error', { max: 70, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
