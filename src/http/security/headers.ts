import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import type { QuorumConfig } from '../../config/index.js';

/**
 * The security headers of every response, chosen for a JSON API plus an admin UI served from the same
 * origin under /admin: scripts, styles and API calls from this origin only (the admin needs no inline
 * script; inline styles stay allowed because UI kits inject them), never framed, no MIME sniffing, no
 * Referer, and HSTS only when the configuration says every client comes over HTTPS.
 */
export function helmetOptions(security: QuorumConfig['security']): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'base-uri': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
    // Other origins read the API (and, later, media) by design; CORS decides who may, not CORP.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: security.hsts.enabled
      ? { maxAge: security.hsts.maxAge, includeSubDomains: security.hsts.includeSubDomains }
      : false,
  };
}

/**
 * Helmet's headers computed once. Every header above is static, so instead of running Helmet's
 * middleware on each request (@fastify/helmet even rebuilds it per request, ~15 µs), its output is
 * recorded here and copied onto each reply.
 */
export function securityHeaders(security: QuorumConfig['security']): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(helmetOptions(security))(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (err?: unknown) => {
      failure = err;
    },
  );
  if (failure) throw failure;
  return Object.freeze(headers);
}
