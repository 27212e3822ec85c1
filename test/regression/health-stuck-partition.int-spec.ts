import { StuckPartitions } from '@tally/ledger';
import { startEmbeddedStack } from '../support/embedded-stack';

jest.setTimeout(60_000);

describe('/health and partitions the ledger cannot decode', () => {
  it('answers 503 naming a partition the ledger waits on, and 200 again once it moves on', async () => {
    const stack = await startEmbeddedStack('tally_health_stuck');
    try {
      const stuck = new StuckPartitions(stack.database.sql);
      const at = { groupId: 'tally-ledger', topic: 'credits.action-executed.v1', partition: 3 };
      await stuck.report({
        ...at,
        firstOffset: '40',
        lastOffset: '49',
        codec: 'snappy',
        error: 'corrupt batch',
      });
      const held = await fetch(`${stack.baseUrl}/health`);
      const body = (await held.json()) as {
        failed: string[];
        stuckPartitions: { topic: string; partition: number; firstOffset: string }[];
      };
      expect(held.status).toBe(503);
      expect(body.failed).toContain('stuckPartitions');
      expect(body.stuckPartitions).toEqual([
        expect.objectContaining({
          topic: at.topic,
          partition: 3,
          firstOffset: '40',
          codec: 'snappy',
        }),
      ]);
      await stuck.clear(at.groupId, at.topic, at.partition);
      expect((await fetch(`${stack.baseUrl}/health`)).status).toBe(200);
    } finally {
      await stack.stop();
    }
  });
});
