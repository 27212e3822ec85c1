import { createInProcessBus } from './in-process-message-bus';

describe('in-process message bus', () => {
  it('acknowledges a publish only after the consuming group has handled and committed it', async () => {
    const bus = createInProcessBus();
    const events: string[] = [];
    let release: () => void = () => undefined;
    const handled = new Promise<void>((resolve) => (release = resolve));
    const consumer = bus.createConsumer({
      groupId: 'ledger',
      topics: ['actions'],
      handleBatch: async (batch) => {
        await handled;
        events.push(
          `handled ${batch.messages.map((message) => message.value?.toString()).join(',')}`,
        );
      },
    });
    await consumer.start();
    const published = bus
      .publish('actions', [{ key: 'w', value: 'a' }])
      .then(() => events.push('acknowledged'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual([]);
    release();
    await published;
    expect(events).toEqual(['handled a', 'acknowledged']);
    await bus.close();
  });

  it('redelivers a batch whose handler failed, and acknowledges once it succeeds', async () => {
    const bus = createInProcessBus();
    let attempts = 0;
    const consumer = bus.createConsumer({
      groupId: 'ledger',
      topics: ['actions'],
      handleBatch: async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('deliberate failure');
      },
    });
    await consumer.start();
    await bus.publish('actions', [{ key: 'w', value: 'a' }]);
    expect(attempts).toBe(2);
    await bus.close();
  });

  it('acknowledges at once on a topic nobody consumes', async () => {
    const bus = createInProcessBus();
    await expect(bus.publish('dead-letters', [{ key: 'w', value: 'x' }])).resolves.toBeUndefined();
    await bus.close();
  });

  it('fails a publish still waiting for its consumer when the bus closes', async () => {
    const bus = createInProcessBus();
    const consumer = bus.createConsumer({
      groupId: 'ledger',
      topics: ['actions'],
      handleBatch: async () => undefined,
    });
    await consumer.start();
    await consumer.stop();
    const pending = bus.publish('actions', [{ key: 'w', value: 'a' }]);
    await bus.close();
    await expect(pending).rejects.toThrow('closed');
  });
});
