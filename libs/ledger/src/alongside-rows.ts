// The ledger's own rows that follow from an append (reservations, deadlines) are written as
// parts of the append's one statement (the event store's AlongsideWrites). Each row carries the
// 1-based index of its workspace's append; an append that found some of its events stored before
// has a guessed state, so its rows are left to the writer that stored them.

/** The SQL condition that keeps a row (aliased `alias`, with a stream_index) of a clean append. */
export function ofCleanAppend(alias: string): string {
  return `NOT EXISTS (SELECT 1 FROM appended a
    WHERE a.stream_index = ${alias}.stream_index AND a.duplicate_count > 0)`;
}
