import type { FastifyInstance } from 'fastify';
import { Server as NetServer } from 'node:net';

/**
 * Ends the node's HTTP service after its drain, without racing a load balancer:
 *
 * 1. Stop listening. During the drain the balancer kept using its pooled keep-alive connections, so it is
 *    rarely opening a new one at this instant (a connection still in the accept queue when the listener
 *    closes is reset, which fails a POST the balancer must not resend). From now on its attempts to
 *    connect are refused before anything is sent, so it moves even a POST to another node.
 * 2. Every response from now on carries `Connection: close`, so each open connection ends cleanly after its
 *    next request, closed by the client.
 * 3. Idle connections are left for their clients to close (nginx after its upstream keepalive_timeout):
 *    a server that closes an idle kept-alive connection races a request the client may be sending on it at
 *    that moment. Only when nobody can be routed here any more (`closeIdle`, no drain) are they closed at
 *    once. Whatever is still open after `graceMs` (an in-flight request, an idle client that keeps its
 *    connection) is cut, so shutdown ends in bounded time whatever a client does.
 */
export async function closeAfterDrain(
  app: FastifyInstance,
  options: { graceMs: number; closeIdle: boolean },
): Promise<void> {
  const server = app.server;
  if (server.listening) {
    server.prependListener('request', (_request, response) => response.setHeader('connection', 'close'));
    // net.Server's close, not http.Server's: the latter also closes idle connections (step 3).
    const ended = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
    if (options.closeIdle) server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.graceMs)));
    await Promise.race([ended, grace]);
    clearTimeout(timer);
    server.closeAllConnections();
  }
  await app.close();
}
