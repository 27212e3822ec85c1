import { randomUUID } from 'node:crypto';
import { dlqTopicOf } from '@tally/contracts';
import { UNDECODABLE_BATCH } from '@tally/ledger';
import type { BusMessage, MessageBus } from '@tally/messaging';
import type { ExitCode, OpsContext } from '../ops-context';

const idleStopMs = 3_000;
const redriveGroupId = 'tally-ops-dlq-redrive';

// Reads `<topic>.dlq` until it has been idle for idleStopMs.
async function drain(
  bus: MessageBus,
  groupId: string,
  dlqTopic: string,
  onMessage: (message: BusMessage) => Promise<void>,
): Promise<number> {
  let count = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  let finish: () => void = () => undefined;
  const idle = new Promise<void>((resolve) => (finish = resolve));
  const armIdle = (): void => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(finish, idleStopMs);
  };
  const consumer = bus.createConsumer({
    groupId,
    topics: [dlqTopic],
    fromBeginning: true,
    handleBatch: async (batch) => {
      armIdle();
      for (const message of batch.messages) {
        await onMessage(message);
        count += 1;
      }
    },
  });
  await consumer.start();
  armIdle();
  await idle;
  await consumer.stop();
  return count;
}

/** `dlq list <topic>`: the dead letters of a topic with why they were refused (commits nothing). */
export async function dlqListCommand(context: OpsContext, topic: string): Promise<ExitCode> {
  if (!context.bus) throw new Error('assertion failed: dlq needs a bus');
  const bus = context.bus();
  // A group of its own reads from the beginning every time; it is deleted afterwards, so runs
  // leave no groups behind on the broker.
  const groupId = `tally-ops-dlq-list-${randomUUID()}`;
  const count = await drain(bus, groupId, dlqTopicOf(topic), async (message) => {
    const headers = message.headers;
    context.out(
      `${message.partition}/${message.offset} key=${message.key ?? ''} ${headers['x-error-code'] ?? '?'}: ${headers['x-error-message'] ?? ''} (from ${headers['x-original-topic'] ?? '?'} ${headers['x-original-partition'] ?? '?'}/${headers['x-original-offset'] ?? '?'})`,
    );
  });
  await bus.deleteConsumerGroup(groupId);
  context.out(`${count} dead letter(s) on ${dlqTopicOf(topic)}`);
  return 0;
}

/** `dlq redrive <topic>`: republishes each dead letter to its original topic once (a committed group). */
export async function dlqRedriveCommand(context: OpsContext, topic: string): Promise<ExitCode> {
  if (!context.bus) throw new Error('assertion failed: dlq needs a bus');
  const bus = context.bus();
  let undecodable = 0;
  const count = await drain(bus, redriveGroupId, dlqTopicOf(topic), async (message) => {
    if (message.value === null) return;
    // A whole record batch the ledger could not decode: republished as one message it would
    // only be refused again. Its producer has to send its messages again (docs/ledger.md).
    if (message.headers['x-error-code'] === UNDECODABLE_BATCH) {
      undecodable += 1;
      return;
    }
    await bus.publish(message.headers['x-original-topic'] ?? topic, [
      { key: message.key ?? '', value: message.value },
    ]);
  });
  const left =
    undecodable > 0
      ? `; left ${undecodable} undecodable batch(es) (republish them from their producer)`
      : '';
  context.out(
    `redrove ${count - undecodable} message(s) from ${dlqTopicOf(topic)} to ${topic}${left}`,
  );
  return 0;
}
