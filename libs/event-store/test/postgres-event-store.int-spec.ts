import { createPostgresEventStore } from '@tally/event-store';
import { eventStoreContract } from './event-store.contract';
import { createTestDatabase } from '../../../tools/support/test-database';

eventStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  const store = await createPostgresEventStore({
    connectionString: database.connectionString,
    poolSizeMax: 4,
  });
  return {
    store,
    dispose: async () => {
      await store.close();
      await database.drop();
    },
  };
});
