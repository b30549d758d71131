import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { NodeMetrics } from './metrics.js';

const UNMATCHED = 'unmatched';
// Node's parser accepts ~35 methods; anything unusual is counted together.
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Counts every response by method, route template and status, and times it. The route is Fastify's
 * template (`/api/:name/:documentId`), never the URL, so label values stay bounded; requests that
 * match no route count as `unmatched`. A callback hook (not async): it allocates no promise.
 */
export function observeHttp(app: FastifyInstance, metrics: NodeMetrics): void {
  const { httpDuration } = metrics;
  app.addHook('onResponse', (request, reply, done) => {
    const labels = {
      method: METHODS.has(request.method) ? request.method : 'other',
      route: request.routeOptions.url ?? UNMATCHED,
      status: reply.statusCode,
    };
    // One observation: http_requests_total is derived from the histogram's counts at scrape time.
    httpDuration.observe(labels, reply.elapsedTime / 1000);
    done();
  });
}

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
      return reply.status(401).send({
        data: null,
        error: {
          status: 401,
          name: 'UnauthorizedError',
          message: 'Missing or invalid credentials',
          details: {},
        },
      });
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
