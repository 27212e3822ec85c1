/** Payment refs and grant references remembered per period for idempotency (oldest forgotten). */
export const RECENT_REFERENCES_MAX = 256;

/** Grants that may be open at once; keeps state and each debit's work bounded. */
export const OPEN_GRANTS_MAX = 100;

/** Reservations that may be held at once in one workspace; keeps state bounded. */
export const LIVE_RESERVATIONS_MAX = 1_000;

/** Status `low` once total available ≤ this percentage of the period allocation. */
export const LOW_BALANCE_PERCENT = 20n;
