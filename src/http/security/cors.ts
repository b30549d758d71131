import type { FastifyCorsOptions } from '@fastify/cors';
import type { QuorumConfig } from '../../config/index.js';

/**
 * CORS from `security.cors`: `true` lets any origin in (Strapi's default: `*`, or the caller's origin
 * echoed when credentials are on, since browsers refuse `*` with credentials), a list lets only those
 * origins in, `false` sends no CORS headers at all. Preflights are answered for every path (the plugin
 * adds an `OPTIONS *` route) before authentication runs.
 */
export function corsOptions(cors: QuorumConfig['security']['cors']): FastifyCorsOptions {
  const origin =
    cors.origin === true ? (cors.credentials ? true : '*') : cors.origin === false ? false : [...cors.origin];
  return {
    origin,
    credentials: cors.credentials,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    // Requested headers are echoed back (allowedHeaders unset), as Strapi's koa cors does.
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'X-Quorum-Error-Code'],
    maxAge: 7200,
    // An OPTIONS request that is not a preflight gets a 204 rather than a plain-text 400.
    strictPreflight: false,
  };
}
