import { Module } from 'node:module';
import { dirname } from 'node:path';
import type * as PgliteModule from '@electric-sql/pglite';

interface NodeModuleInternals {
  _nodeModulePaths(directory: string): string[];
}

// PGlite's wasm glue loads Node built-ins with dynamic import(), which Jest's module sandbox
// rejects unless Node runs with --experimental-vm-modules. Loading the package through Node's
// own Module loader (outside any sandbox) behaves exactly like require() in production and lets
// the integration tests run the embedded twin. Rows then come from Node's realm: the store copies
// Dates (`new Date(value)`) and reads errors by their `code`, never by instanceof.
export function loadPglite(): typeof PgliteModule {
  const loader = new Module(__filename);
  loader.filename = __filename;
  loader.paths = (Module as unknown as NodeModuleInternals)._nodeModulePaths(dirname(__filename));
  return loader.require('@electric-sql/pglite') as typeof PgliteModule;
}
