import { isIP } from 'node:net';
import { ConfigurationError } from '@tally/runtime';
import { RATE_LIMIT_PER_SECOND_DEFAULT } from '../billing-api.config';

/** Most requests a second per client the setting may allow (a bound on the setting itself). */
const RATE_LIMIT_PER_SECOND_LIMIT = 1_000_000;
const TRUSTED_HOPS_MAX = 10;
/** Express's names for address ranges in a "trust proxy" list. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

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

/** `TALLY_RATE_LIMIT_PER_SECOND` and `TALLY_TRUST_PROXY`; a bad setting is a ConfigurationError. */
export function clientLimitsFromEnvironment(env = process.env): ClientLimits {
  const rawLimit = env.TALLY_RATE_LIMIT_PER_SECOND?.trim();
  const rateLimitPerSecond = rawLimit ? Number(rawLimit) : RATE_LIMIT_PER_SECOND_DEFAULT;
  if (
    !Number.isInteger(rateLimitPerSecond) ||
    rateLimitPerSecond < 1 ||
    rateLimitPerSecond > RATE_LIMIT_PER_SECOND_LIMIT
  )
    throw new ConfigurationError(
      `TALLY_RATE_LIMIT_PER_SECOND must be an integer from 1 to ${RATE_LIMIT_PER_SECOND_LIMIT}, got "${rawLimit}"`,
    );
  const rawTrust = env.TALLY_TRUST_PROXY?.trim();
  if (!rawTrust) return { rateLimitPerSecond };
  const trustProxy = /^[0-9]+$/.test(rawTrust) ? Number(rawTrust) : rawTrust;
  return { rateLimitPerSecond, trustProxy: checkedTrustProxy(trustProxy) };
}

/**
 * The trusted proxies as given, once each part is a hop count from 1 to 10, an IPv4 or IPv6
 * address, a subnet of one (address/prefix), or a named range; else a ConfigurationError.
 * Stricter than Express, which reads "1" or "127.1" as addresses nobody meant.
 */
export function checkedTrustProxy(trustProxy: number | string): number | string {
  const valid =
    typeof trustProxy === 'number'
      ? Number.isInteger(trustProxy) && trustProxy >= 1 && trustProxy <= TRUSTED_HOPS_MAX
      : trustProxy.split(',').every((part) => isTrustedRange(part.trim()));
  if (!valid)
    throw new ConfigurationError(
      `TALLY_TRUST_PROXY must be a hop count from 1 to ${TRUSTED_HOPS_MAX}, or the proxies' addresses or subnets (comma-separated; loopback, linklocal and uniquelocal name those ranges), got "${trustProxy}"`,
    );
  return trustProxy;
}

function isTrustedRange(part: string): boolean {
  if (NAMED_RANGES.has(part)) return true;
  const [address = '', prefix, ...rest] = part.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = /^[0-9]{1,3}$/.test(prefix) ? Number(prefix) : -1;
  // Not /0: a subnet holding every address trusts every hop.
  return bits >= 1 && bits <= (family === 4 ? 32 : 128);
}
