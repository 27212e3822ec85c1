import { RATE_LIMIT_PER_SECOND_DEFAULT } from '../billing-api.config';
import { clientLimitsFromEnvironment } from './client-limits';

describe('clientLimitsFromEnvironment', () => {
  it('defaults to 1000 a second per connection address, no proxy trusted', () => {
    expect(clientLimitsFromEnvironment({})).toEqual({
      rateLimitPerSecond: RATE_LIMIT_PER_SECOND_DEFAULT,
    });
  });

  it('reads a limit and the trusted proxies as a hop count or addresses', () => {
    expect(
      clientLimitsFromEnvironment({ TALLY_RATE_LIMIT_PER_SECOND: '50', TALLY_TRUST_PROXY: '2' }),
    ).toEqual({ rateLimitPerSecond: 50, trustProxy: 2 });
    expect(
      clientLimitsFromEnvironment({ TALLY_TRUST_PROXY: ' loopback, 10.0.0.0/8 ' }).trustProxy,
    ).toBe('loopback, 10.0.0.0/8');
  });

  it.each(['0', '-1', '1.5', 'many', '1000001'])(
    'refuses the limit %p, naming the setting',
    (value) => {
      expect(() => clientLimitsFromEnvironment({ TALLY_RATE_LIMIT_PER_SECOND: value })).toThrow(
        /TALLY_RATE_LIMIT_PER_SECOND must be an integer from 1/,
      );
    },
  );

  it.each(['true', 'TRUE', 'yes', 'false', '0', '11'])(
    'refuses trusting %p (every hop would let a client name itself)',
    (value) => {
      expect(() => clientLimitsFromEnvironment({ TALLY_TRUST_PROXY: value })).toThrow(
        /TALLY_TRUST_PROXY must be a hop count from 1 to 10/,
      );
    },
  );
});
