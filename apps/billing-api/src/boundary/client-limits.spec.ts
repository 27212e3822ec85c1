import { RATE_LIMIT_PER_SECOND_DEFAULT } from '../billing-api.config';
import { ConfigurationError } from '@tally/runtime';
import { checkedTrustProxy, clientLimitsFromEnvironment } from './client-limits';

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
    expect(checkedTrustProxy('192.0.2.1, 2001:db8::/32, uniquelocal')).toBe(
      '192.0.2.1, 2001:db8::/32, uniquelocal',
    );
  });

  it.each(['0', '-1', '1.5', 'many', '1000001'])(
    'refuses the limit %p, naming the setting',
    (value) => {
      expect(() => clientLimitsFromEnvironment({ TALLY_RATE_LIMIT_PER_SECOND: value })).toThrow(
        /TALLY_RATE_LIMIT_PER_SECOND must be an integer from 1/,
      );
    },
  );

  it.each([
    'true',
    'TRUE',
    'false',
    '0',
    '11',
    '1,2', // Express would read these as 0.0.0.1 and 0.0.0.2: no proxy anyone meant
    '127.1',
    '0x1',
    '0.0.0.0/0', // every address: every hop
    '::/0',
    '10.0.0.0/33',
    'loopback,,',
    'proxy.example',
  ])(
    'refuses trusting %p (a list nobody meant, or every hop: a client could name itself)',
    (value) => {
      expect(() => clientLimitsFromEnvironment({ TALLY_TRUST_PROXY: value })).toThrow(
        /TALLY_TRUST_PROXY must be a hop count from 1 to 10/,
      );
    },
  );

  it('checks a hop count given in code the same way', () => {
    expect(() => checkedTrustProxy(100)).toThrow(ConfigurationError);
    expect(checkedTrustProxy(2)).toBe(2);
  });
});
