export { openDatabase, Database } from './database';
export { runtimeConfigFromEnvironment, RuntimeConfig, HOST_DEFAULT } from './runtime-config';
export { topicNamesFromEnvironment, TopicNames } from './topic-names';
export { stopOnSignals, exitOnStartFailure, startFailureMessage } from './process-lifecycle';
export { ConfigurationError } from './configuration-error';
