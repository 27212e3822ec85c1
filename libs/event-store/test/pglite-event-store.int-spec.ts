import { createPgliteEventStore } from '@tally/event-store';
import { eventStoreContract } from './event-store.contract';

eventStoreContract('PGlite', async () => {
  const store = await createPgliteEventStore({});
  return { store, dispose: () => store.close() };
});
