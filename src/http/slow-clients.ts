import type { ServerOptions } from 'node:http';
import type { QuorumConfig } from '../config/index.js';

/**
 * Fastify's server options that bound how long a client may hold a socket. Without them a body that
 * never finishes keeps its socket for ever (Fastify sets Node's requestTimeout to 0), so a few
 * thousand such clients exhaust a node's sockets.
 */
export function slowClientOptions(server: QuorumConfig['server']): {
  requestTimeout: number;
  connectionTimeout: number;
  keepAliveTimeout: number;
  http: ServerOptions;
} {
  const { requestTimeoutMs, headersTimeoutMs, idleTimeoutMs, keepAliveTimeoutMs } = server;
  return {
    requestTimeout: requestTimeoutMs,
    // Socket inactivity (server.setTimeout): also cuts a client that sent its request and never reads.
    connectionTimeout: idleTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    http: {
      requestTimeout: requestTimeoutMs,
      headersTimeout: headersTimeoutMs,
      // Node looks for expired requests on this interval (30 s by default), so a timeout fires up to
      // one interval late: a quarter of the shortest timeout keeps that error small.
      connectionsCheckingInterval: checkingInterval(requestTimeoutMs, headersTimeoutMs),
    },
  };
}

function checkingInterval(requestTimeoutMs: number, headersTimeoutMs: number): number {
  const shortest = requestTimeoutMs > 0 ? Math.min(requestTimeoutMs, headersTimeoutMs) : headersTimeoutMs;
  return Math.min(30_000, Math.max(50, Math.floor(shortest / 4)));
}
