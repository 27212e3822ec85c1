export { openDatabase, Database } from './database';
export { runtimeConfigFromEnvironment, RuntimeConfig } from './runtime-config';
