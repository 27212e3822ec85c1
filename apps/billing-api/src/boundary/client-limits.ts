import { RATE_LIMIT_PER_SECOND_DEFAULT } from '../billing-api.config';

/** Most requests a second per client the setting may allow (a bound on the setting itself). */
const RATE_LIMIT_PER_SECOND_LIMIT = 1_000_000;

/**
 * How the API tells clients apart for its rate limit. Behind a reverse proxy every request comes
 * from the proxy's address, so all clients would share one budget: `trustProxy` names the
 * proxies whose `X-Forwarded-For` is believed (Express's "trust proxy": a hop count, or addresses
 * and subnets, or `loopback`, `linklocal`, `uniquelocal`), and the client is the address the
 * nearest untrusted hop gave. Never "trust every hop": any client could then name itself anew on
 * each request and escape the limit.
 */
export interface ClientLimits {
  /** Requests per client per second before 429; default 1000. */
  rateLimitPerSecond: number;
  /** Unset: no proxy is trusted and the client is the connection's address. */
  trustProxy?: number | string;
}

/** `TALLY_RATE_LIMIT_PER_SECOND` and `TALLY_TRUST_PROXY`; throws naming a bad setting. */
export function clientLimitsFromEnvironment(env = process.env): ClientLimits {
  const rawLimit = env.TALLY_RATE_LIMIT_PER_SECOND?.trim();
  const rateLimitPerSecond = rawLimit ? Number(rawLimit) : RATE_LIMIT_PER_SECOND_DEFAULT;
  if (
    !Number.isInteger(rateLimitPerSecond) ||
    rateLimitPerSecond < 1 ||
    rateLimitPerSecond > RATE_LIMIT_PER_SECOND_LIMIT
  )
    throw new Error(
      `TALLY_RATE_LIMIT_PER_SECOND must be an integer from 1 to ${RATE_LIMIT_PER_SECOND_LIMIT}, got "${rawLimit}"`,
    );
  const trustProxy = trustProxyOf(env.TALLY_TRUST_PROXY?.trim());
  return { rateLimitPerSecond, ...(trustProxy === undefined ? {} : { trustProxy }) };
}

function trustProxyOf(raw: string | undefined): number | string | undefined {
  if (!raw) return undefined;
  if (/^[0-9]+$/.test(raw)) {
    const hops = Number(raw);
    if (hops >= 1 && hops <= 10) return hops;
  } else if (!/^(true|false|yes|no|on|off)$/i.test(raw)) return raw;
  throw new Error(
    `TALLY_TRUST_PROXY must be a hop count from 1 to 10, or the proxies' addresses or subnets (comma-separated; loopback, linklocal and uniquelocal name those ranges), got "${raw}"`,
  );
}
