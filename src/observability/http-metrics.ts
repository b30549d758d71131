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
