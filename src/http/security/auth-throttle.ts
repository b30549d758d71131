import type { onRequestAsyncHookHandler } from 'fastify';
import { createLoginGuard, type LoginGuard } from '../../auth/brute-force.js';
import { createRateLimiter } from '../../auth/rate-limit.js';
import type { QuorumConfig } from '../../config/index.js';
import type { CoreContext } from '../../core/context.js';
import { RateLimitError } from '../../core/errors.js';

/** Strapi's answer when its auth rate limiter refuses a request (reference §6.1). */
export const RATE_LIMIT_MESSAGE = 'Too many attempts, please try again in a minute.';

export interface AuthThrottle {
  /** Lock-out of repeated failed logins (used inside the login route, around the password check). */
  readonly guard: LoginGuard;
  /** Route-level onRequest hook: `rateLimit.auth.max` requests per window per route and client address. */
  readonly limit: onRequestAsyncHookHandler;
}

/**
 * The protections of the authentication routes, from configuration. The limit runs before the body
 * is parsed and costs one statement per request; client addresses come from `request.ip`, so behind
 * a load balancer `server.trustProxy` must be set or every client shares the balancer's address.
 */
export function createAuthThrottle(config: QuorumConfig, core: CoreContext): AuthThrottle {
  const deps = { database: core.database, logger: core.logger };
  const limiter = createRateLimiter(config.rateLimit.auth, deps);
  return {
    guard: createLoginGuard(config.bruteForce, deps),
    async limit(request) {
      const decision = await limiter.hit(
        `${request.routeOptions.url ?? request.url}|${clientAddress(request)}`,
      );
      if (!decision.allowed) throw new RateLimitError(RATE_LIMIT_MESSAGE, decision.retryAfterMs);
    },
  };
}

/** The client's address as Fastify resolved it (honouring server.trustProxy). */
export function clientAddress(request: { ip?: string }): string {
  return request.ip || 'unknown';
}
