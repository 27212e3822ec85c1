// Resolves `@tally/<lib>` to the compiled library under dist/ when the apps run from `npm run
// build` output. Jest and tsc resolve the same alias through their own configuration.
'use strict';
const Module = require('node:module');
const path = require('node:path');

const distRoot = path.resolve(__dirname, '..', 'dist');
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveTallyAlias(request, ...rest) {
  const match = /^@tally\/([a-z0-9-]+)$/.exec(request);
  if (match) {
    return originalResolve.call(
      this,
      path.join(distRoot, 'libs', match[1], 'src', 'index.js'),
      ...rest,
    );
  }
  return originalResolve.call(this, request, ...rest);
};
