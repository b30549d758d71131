import type { FastifyInstance } from 'fastify';
import type { Server } from 'node:http';

/**
 * From now on every response carries `Connection: close`, so a load balancer's kept-alive connections
 * to this node end cleanly after their current request instead of being cut when the node stops
 * listening (a cut connection can fail a POST the balancer may not retry). Added when draining
 * starts, first in line: no cost before that.
 */
export function stopKeepingAlive(server: Server): void {
  server.prependListener('request', (_request, response) => response.setHeader('connection', 'close'));
}

/**
 * Stops accepting connections and waits for in-flight requests; whatever is still running after
 * `graceMs` is cut, so shutdown ends in bounded time whatever a client does.
 */
export async function closeWithin(app: FastifyInstance, graceMs: number): Promise<void> {
  const timer = setTimeout(() => app.server.closeAllConnections(), graceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
  }
}
