// Prints one clear line and exits 1 when the PostgreSQL server that tests use is not reachable.
'use strict';
const { Client } = require('pg');

const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
client
  .connect()
  .then(() => client.query('select 1'))
  .then(() => client.end())
  .catch((error) => {
    console.error(
      `PostgreSQL is not reachable at ${url} (${error.message}). Fix: start it ` +
        `(pg_ctlcluster --skip-systemctl-redirect 15 main start) or point DATABASE_URL at a server.`,
    );
    process.exit(1);
  });
