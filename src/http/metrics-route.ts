import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { UnauthorizedError } from '../core/errors.js';
import type { NodeMetrics } from '../observability/metrics.js';

/**
 * GET /metrics: the node's registry in Prometheus text format. Open unless a token is configured, then
 * `Authorization: Bearer <token>` is required (compared in constant time).
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: NodeMetrics, token?: string): void {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  app.get('/metrics', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (expected && !sameSecret(request.headers.authorization, expected)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      // The error handler answers it, in Strapi's shape with its code, keeping the headers set here.
      throw new UnauthorizedError();
    }
    const { contentType, body } = await metrics.scrape();
    return reply.type(contentType).send(body);
  });
}

function sameSecret(header: string | undefined, expected: Buffer): boolean {
  if (!header) return false;
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
