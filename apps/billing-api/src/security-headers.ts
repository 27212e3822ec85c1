import type { HelmetOptions } from 'helmet';

/**
 * Security headers on every response (helmet). The policy is the narrowest that still serves
 * the Swagger UI at /docs: its scripts are files of its own, but its page carries inline
 * `<style>` blocks and data: images. The billing page sends a stricter CSP of its own (its
 * controller's header replaces this one). No `upgrade-insecure-requests`: the embedded runner
 * serves plain HTTP on the loopback interface.
 */
export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      'default-src': ["'self'"],
      'base-uri': ["'none'"],
      'connect-src': ["'self'"],
      'font-src': ["'self'", 'data:'],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
      'img-src': ["'self'", 'data:'],
      'object-src': ["'none'"],
      'script-src': ["'self'"],
      'script-src-attr': ["'none'"],
      'style-src': ["'self'", "'unsafe-inline'"],
    },
  },
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
};
