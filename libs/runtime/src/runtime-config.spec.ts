import { HOST_DEFAULT, runtimeConfigFromEnvironment } from './runtime-config';

describe('runtime configuration from the environment', () => {
  it('embedded runner listens on 127.0.0.1 by default', () => {
    expect(HOST_DEFAULT).toBe('127.0.0.1');
    expect(runtimeConfigFromEnvironment({}).host).toBe('127.0.0.1');
    expect(runtimeConfigFromEnvironment({ HOST: '  ' }).host).toBe('127.0.0.1');
  });

  it('listens where HOST says when it is set', () => {
    expect(runtimeConfigFromEnvironment({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });
});
