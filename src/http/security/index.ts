import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import type { QuorumConfig } from '../../config/index.js';
import { RateLimitError } from '../../core/errors.js';
import { corsOptions } from './cors.js';
import { securityHeaders } from './headers.js';

/**
 * Security plumbing for every route: Helmet's headers, CORS (and preflights), and Retry-After on
 * every 429 that knows when to come back. Register before any route.
 */
export async function registerSecurity(app: FastifyInstance, config: QuorumConfig): Promise<void> {
  const headers = securityHeaders(config.security);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  await app.register(cors, corsOptions(config.security.cors));
  app.addHook('onError', (_request, reply, error, done) => {
    if (error instanceof RateLimitError) reply.header('retry-after', String(error.retryAfterSeconds));
    done();
  });
}
