export { openDatabase, Database } from './database';
export { runtimeConfigFromEnvironment, RuntimeConfig } from './runtime-config';
export { topicNamesFromEnvironment, defaultTopicNames, TopicNames } from './topic-names';
export { stopOnSignals, exitOnStartFailure } from './process-lifecycle';
