// Lint rules. Imports point one way (apps → adapters → ports → domain → contracts): the domain
// imports only @tally/contracts and its own files, and reads no clock, randomness, timer or
// environment; the contracts import no other library of ours and stay as pure; a library is
// reached only through its index, never by a path through tsconfig's baseUrl (`libs/…`) or a
// relative path out of its folder. test/lint/lint-rules.spec.ts feeds every forbidden form in
// and expects an error.
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
// tsconfig's baseUrl is the repository root, so `libs/ledger/src/x` would compile: a second,
// unchecked way into a library's internals.
const bareRootPaths = {
  regex: '^(libs|apps|tools|test)(/|$)',
  message: 'No paths through tsconfig baseUrl: import a library as @tally/<name>.',
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
// Globals through which code reads time, randomness, the network or the host, or schedules work.
const impureGlobals = [
  ['performance', 'The domain never reads a clock: time arrives on the command.'],
  ['crypto', 'The domain is deterministic: ids and randomness arrive on the command.'],
  ['setTimeout', 'The domain schedules nothing: it decides on what it is given.'],
  ['setInterval', 'The domain schedules nothing: it decides on what it is given.'],
  ['setImmediate', 'The domain schedules nothing: it decides on what it is given.'],
  ['fetch', 'The domain does no I/O.'],
  ['process', 'The domain reads no process state: configuration arrives as arguments.'],
  ['globalThis', 'The domain reaches no globals through globalThis.'],
].map(([name, message]) => ({ name, message }));
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
  {
    selector: "CallExpression[callee.name='Date']",
    message: 'The domain never reads a clock: Date() is the time now, as a string.',
  },
];

/** The source string of an import-like node, or null (an import of an expression). */
function importSource(node) {
  if (node.type === 'TSImportEqualsDeclaration')
    return node.moduleReference.type === 'TSExternalModuleReference'
      ? node.moduleReference.expression.value
      : null;
  // typescript-eslint names a TSImportType's string `source` from 8.x on, `argument` before.
  if (node.type === 'TSImportType' && !node.source) return node.argument?.literal?.value ?? null;
  const source = node.source;
  return source && source.type === 'Literal' && typeof source.value === 'string'
    ? source.value
    : null;
}

function onEveryImport(check) {
  return {
    ImportDeclaration: check,
    ExportNamedDeclaration: check,
    ExportAllDeclaration: check,
    ImportExpression: check,
    TSImportEqualsDeclaration: check,
    TSImportType: check,
  };
}

const inside = (folder, file) => {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
};

/**
 * The domain's imports are an allowlist: @tally/contracts, and relative paths (its modules, a
 * JSON file) that stay inside libs/credits. Everything else — a package, another library,
 * test helpers — is refused, so a new dependency cannot slip in under a name no list foresaw.
 */
const domainImports = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const domain = path.join(__dirname, 'libs', 'credits');
    return onEveryImport((node) => {
      const source = importSource(node);
      if (source === null || source === '@tally/contracts') return;
      if (
        source.startsWith('.') &&
        inside(domain, path.resolve(path.dirname(context.filename), source))
      )
        return;
      context.report({
        node,
        message: `The domain imports only @tally/contracts and its own files in libs/credits, not "${source}".`,
      });
    });
  },
};

/** libs/<name> and apps/<name> are packages; tools/, test/ and the rest are one each. */
function packageOf(file) {
  const parts = path.relative(__dirname, file).split(path.sep);
  if (parts[0] === '..') return null;
  return parts[0] === 'libs' || parts[0] === 'apps' ? parts.slice(0, 2).join('/') : parts[0];
}

// An app has no @tally/ name: another app (the single-process runner) reaches it by its index.
const APP_INDEX = /^apps\/[^/]+\/src(\/index)?(\.ts)?$/;

/**
 * A relative import stays inside its own package. Two exceptions: an app may import another
 * app's index (apps have no @tally/ name), and test-side code (`options.testSide`: specs,
 * test/ folders, benches, tools/) may reach shared test support and the apps it drives. Nobody
 * reaches into another library's src/ by a relative path: that is what @tally/<name> is for.
 */
const relativeImportsStayHome = {
  meta: {
    type: 'problem',
    schema: [{ type: 'object', properties: { testSide: { type: 'boolean' } } }],
  },
  create(context) {
    const testSide = context.options[0]?.testSide === true;
    return onEveryImport((node) => {
      const source = importSource(node);
      if (source === null || !source.startsWith('.')) return;
      const from = packageOf(context.filename);
      const resolved = path.resolve(path.dirname(context.filename), source);
      const to = packageOf(resolved);
      if (from === null || to === null || to === from) return;
      const target = path.relative(__dirname, resolved).split(path.sep).join('/');
      const intoLibrarySource = to.startsWith('libs/') && target.startsWith(`${to}/src`);
      if (intoLibrarySource)
        context.report({
          node,
          message: `Import @tally/${to.slice('libs/'.length)} through its index, not by a relative path out of ${from}.`,
        });
      else if (!testSide && !(from.startsWith('apps/') && APP_INDEX.test(target)))
        context.report({
          node,
          message: `A relative import stays inside ${from}: "${source}" leaves it (for ${to}, use its index).`,
        });
    });
  },
};

// Code that never ships: the rules on production code's shape and imports relax for it.
const TEST_SIDE = [
  '**/*.spec.ts',
  '**/*.int-spec.ts',
  '**/*.e2e-spec.ts',
  '**/test/**',
  '**/bench/**',
  'tools/**',
  'test/**',
];

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.kafka*/**', '.tally/**', 'coverage/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: {
      tally: {
        rules: {
          'domain-imports': domainImports,
          'relative-imports-stay-home': relativeImportsStayHome,
        },
      },
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-imports': ['error', { patterns: [throughIndex, bareRootPaths] }],
      'tally/relative-imports-stay-home': 'error',
    },
  },
  {
    files: TEST_SIDE.map((glob) => (glob.endsWith('.ts') ? glob : `${glob}/*.ts`)),
    rules: { 'tally/relative-imports-stay-home': ['error', { testSide: true }] },
  },
  {
    files: ['libs/credits/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/bench/**'],
    rules: {
      'tally/domain-imports': 'error',
      'no-restricted-globals': ['error', ...impureGlobals],
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
          patterns: [frameworkAndIo, anyOtherLibrary, bareRootPaths],
        },
      ],
      'no-restricted-globals': ['error', ...impureGlobals],
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
