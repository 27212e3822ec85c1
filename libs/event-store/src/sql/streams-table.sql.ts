// One row per stream: its current revision (-1 = row locked by an append that added no event
// yet, so the stream does not exist). The row is the lock that serialises appends per stream.
export const CREATE_STREAMS_TABLE = `
CREATE TABLE IF NOT EXISTS event_store_streams (
  stream_name text   PRIMARY KEY,
  revision    bigint NOT NULL CHECK (revision >= -1)
)`;
