import { createInProcessBus } from './in-process-message-bus';
import { parseKafkaCompression } from './kafka-codecs';
import { createKafkaBus } from './kafka-message-bus';
import { MessageBus } from './message-bus.port';

/**
 * `KAFKA_BROKERS` set → Kafka, publishing with the codec `TALLY_KAFKA_COMPRESSION` names (none,
 * gzip, snappy, lz4 or zstd; default none); unset → the in-process bus of the embedded mode.
 */
export function messageBusFromEnvironment(clientId: string, env = process.env): MessageBus {
  const brokers = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  if (brokers.length === 0) return createInProcessBus();
  const compression = parseKafkaCompression(
    env.TALLY_KAFKA_COMPRESSION ?? 'none',
    'TALLY_KAFKA_COMPRESSION',
  );
  return createKafkaBus({ brokers, clientId, compression });
}
