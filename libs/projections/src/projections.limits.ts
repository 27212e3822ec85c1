// Every batch and wait of the projector has one of these limits.

/** Events handed to the projections per batch (the store's READ_ALL_COUNT_MAX bounds it). */
export const PROJECTOR_BATCH_SIZE_MAX = 5_000;
/** Events per page while rebuilding into fresh tables. */
export const REBUILD_PAGE_SIZE = 10_000;
/** Ledger statement entries returned per page when the caller names no limit. */
export const STATEMENT_PAGE_SIZE_DEFAULT = 50;
/** Most ledger statement entries in one page. */
export const STATEMENT_PAGE_SIZE_MAX = 500;
/** Most days in one usage query. */
export const USAGE_RANGE_DAYS_MAX = 400;
/** The schema the billing API reads. */
export const LIVE_SCHEMA = 'projections';
/** Where `projections rebuild` builds fresh tables before the switch. */
export const REBUILD_SCHEMA = 'projections_rebuild';
/** NOTIFY channel the balance projection signals (payload: workspace id) when a balance changes. */
export const BALANCE_CHANGED_CHANNEL = 'tally_balance_changed';
/** Events (of any stream) per range of the set-based rebuild; one range is one statement per projection. */
export const REBUILD_RANGE_EVENTS_MAX = 100_000;
/** Workspace fold states the balance rebuild keeps in memory before writing them out. */
export const BALANCE_REBUILD_STATES_MAX = 200_000;
/** Balance rows per upsert statement when the rebuild writes its states. */
export const BALANCE_REBUILD_UPSERT_ROWS_MAX = 5_000;
/** work_mem of each rebuild statement: a range's hash aggregates and sorts stay in memory. */
export const REBUILD_WORK_MEM = '64MB';
/** Characters of an error message kept on a held-back workspace's row. */
export const HELD_ERROR_LENGTH_MAX = 2_000;
/** Held-back workspaces listed by `/health` and `projections held` (the total is always given). */
export const HELD_LISTED_MAX = 1_000;
/**
 * How long the projector may leave committed credit events unprojected, with its lowest
 * checkpoint not moving, before `/health` calls it stalled (an idle system is healthy).
 */
export const PROJECTOR_STALL_AFTER_MS = 30_000;
