// Jest global setup for the integration and e2e tiers: fails fast, in one clear line, when
// PostgreSQL or Kafka is not there, and hands the broker address to the test workers.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { Client } = require('pg');

const bootstrapFile = path.join(__dirname, '..', '..', '.kafka', 'bootstrap');

module.exports = async function globalSetup() {
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new Client({
    connectionString: process.env.DATABASE_URL,
    connectionTimeoutMillis: 5000,
  });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${process.env.DATABASE_URL} (${error.message}). ` +
        `Start it (pg_ctlcluster 15 main start) or set DATABASE_URL.`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  if (!process.env.KAFKA_BROKERS) {
    if (!fs.existsSync(bootstrapFile)) {
      throw new Error(
        'Kafka is not running: start it with `npm run kafka:start` or set KAFKA_BROKERS (npm test does both).',
      );
    }
    process.env.KAFKA_BROKERS = fs.readFileSync(bootstrapFile, 'utf8').trim();
  }
};
