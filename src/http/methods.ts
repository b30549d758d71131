import type { FastifyInstance } from 'fastify';
import { MethodNotAllowedError } from '../core/errors.js';
import { endWithError } from './raw-response.js';

/** Every method some route serves. */
const SERVED = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const served = new Set(SERVED);
const MESSAGE = `Method Not Allowed (this server accepts ${SERVED.join(', ')})`;

/**
 * Methods no route serves (TRACE, PROPFIND, CONNECT…) are a 405 with an Allow header, before routing:
 * otherwise they would be a 404, and a CONNECT would get no answer at all. Strapi (koa-router's
 * allowedMethods) answers such methods 501; a 4xx says the client asked for something this server
 * does not do, and keeps them out of server-error alerts.
 */
export function refuseUnsupportedMethods(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (served.has(request.method)) return done();
    done(new MethodNotAllowedError(MESSAGE, SERVED));
  });
  // Node hands CONNECT to 'connect' listeners, never to the request handler; without a listener it
  // destroys the socket unanswered.
  app.server.on('connect', (_request, socket) => {
    endWithError(
      socket,
      405,
      'Method Not Allowed',
      { name: 'MethodNotAllowedError', message: MESSAGE, code: 'QUORUM_METHOD_NOT_ALLOWED' },
      { Allow: SERVED.join(', ') },
    );
  });
}
