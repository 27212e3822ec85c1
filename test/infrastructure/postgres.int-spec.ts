import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../../tools/support/test-database';

describe('PostgreSQL test infrastructure', () => {
  let database: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new Client({ connectionString: database.connectionString });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it('round-trips a row through a fresh database of its own', async () => {
    await client.query('create table amounts (id int primary key, amount_micro bigint not null)');
    await client.query('insert into amounts values (1, $1)', ['9007199254740993']);
    const { rows } = await client.query<{ amount_micro: string }>(
      'select amount_micro from amounts where id = 1',
    );
    expect(rows).toEqual([{ amount_micro: '9007199254740993' }]);
    const { rows: databases } = await client.query<{ name: string }>(
      'select current_database() as name',
    );
    expect(databases[0]?.name).toBe(database.name);
  });
});
