import { createInProcessBus } from './in-process-message-bus';
import { createKafkaBus } from './kafka-message-bus';
import { MessageBus } from './message-bus.port';

/** `KAFKA_BROKERS` set → Kafka; unset → the in-process bus of the embedded mode. */
export function messageBusFromEnvironment(clientId: string, env = process.env): MessageBus {
  const brokers = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  return brokers.length > 0 ? createKafkaBus({ brokers, clientId }) : createInProcessBus();
}
