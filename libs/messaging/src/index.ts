export * from './message-bus.port';
export { createKafkaBus, KafkaBusOptions } from './kafka-message-bus';
export { KafkaCompression, kafkaCompressions, parseKafkaCompression } from './kafka-codecs';
export { createInProcessBus } from './in-process-message-bus';
export { MessageBusTransport, MessageBusTransportOptions } from './message-bus.transport';
export { messageBusFromEnvironment } from './message-bus.config';
