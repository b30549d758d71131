import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import {
  LogController,
  type ConnectionError,
  type FastifyBaseLogger,
  type FastifyHttpOptions,
} from 'fastify';
import type { Logger } from 'pino';
import type { QuorumConfig } from '../config/index.js';
import { sendFrameworkError } from './errors.js';
import { parseQueryString } from './query-string.js';
import { endWithError } from './raw-response.js';
import { requestId } from './request-id.js';
import { slowClientOptions } from './slow-clients.js';

/** The options the node's Fastify instance is made with (app.ts). */
export function serverOptions(
  config: QuorumConfig,
  logger: Logger,
): FastifyHttpOptions<Server, FastifyBaseLogger> {
  return {
    // pino's Logger is a FastifyBaseLogger; naming the base type keeps the instance type the default one.
    loggerInstance: logger as FastifyBaseLogger,
    // Fastify's two lines per request are replaced by one access-log line (app.ts), or none.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: requestId,
    requestIdHeader: false,
    bodyLimit: config.server.bodyLimit,
    trustProxy: config.server.trustProxy,
    routerOptions: {
      querystringParser: parseQueryString,
      ignoreTrailingSlash: true,
      maxParamLength: 500,
    },
    // Connections are closed by the node's shutdown sequence after the drain period.
    forceCloseConnections: 'idle',
    // A request that arrives on a kept-alive connection while the node closes is still served (with
    // `Connection: close`, see http/shutdown.ts) rather than refused with a 503 a balancer may not retry
    // for a POST; closeAfterDrain bounds how long that can go on.
    return503OnClosing: false,
    // Malformed URLs (bad percent-encoding) are answered in Strapi's error shape too.
    frameworkErrors: sendFrameworkError,
    clientErrorHandler: answerMalformedRequest,
    // Bounds on how long a slow or stalled client may hold a socket (server.*TimeoutMs).
    ...slowClientOptions(config.server),
  };
}

/**
 * Requests Node's HTTP parser rejects (raw non-ASCII in the URL, broken headers) never reach a route:
 * answer them in the same error shape as everything else.
 */
function answerMalformedRequest(err: ConnectionError, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const [status, reason, code] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? ([431, 'Request Header Fields Too Large', 'QUORUM_HEADERS_TOO_LARGE'] as const)
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ([408, 'Request Timeout', 'QUORUM_REQUEST_TIMEOUT'] as const)
        : ([400, 'Bad Request', 'QUORUM_MALFORMED_REQUEST'] as const);
  endWithError(socket, status, reason, {
    name: 'BadRequestError',
    message: `Malformed HTTP request (${reason})`,
    code,
  });
}
