import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ApiTokens } from '../auth/api-tokens.js';
import type { JwtKeys } from '../auth/jwt.js';
import type { EmailSender } from '../auth/email.js';
import type { Users } from '../auth/users-permissions/users.js';
import { registerUsersPermissions } from './users-permissions/index.js';
import type { AdminServices } from '../admin/index.js';
import { registerAdminApi } from './admin/index.js';
import { registerAdminUi } from './admin-ui.js';
import type { ClusterView } from '../cluster/status.js';
import type { SchemaChanger } from './admin/context.js';
import type { PermissionStore } from '../auth/permissions.js';
import type { Authenticator } from '../auth/principal.js';
import type { QuorumConfig } from '../config/index.js';
import type { CoreContext } from '../core/context.js';
import { observeHttp, registerMetricsRoute } from '../observability/http-metrics.js';
import type { NodeMetrics } from '../observability/metrics.js';
import type { WebhookStore } from '../workers/webhooks/index.js';
import type { MediaLibrary } from '../media/library.js';
import { registerMediaAdminRoutes } from './admin/media-routes.js';
import { registerUploadApi } from './upload/routes.js';
import { registerFileServing } from './upload/serve.js';
import { registerContentApi } from './content-api/routes.js';
import type { ResponseCache } from '../cache/response-cache.js';
import { registerErrorHandling, sendFrameworkError } from './errors.js';
import { registerHealth, type Readiness } from './health.js';
import { registerJsonParser } from './json-body.js';
import { parseQueryString } from './query-string.js';
import { requestId } from './request-id.js';
import { registerSecurity } from './security/index.js';

export interface HttpDeps {
  readonly config: QuorumConfig;
  readonly logger: Logger;
  readonly core: CoreContext;
  readonly tokens: ApiTokens;
  readonly auth: Authenticator;
  readonly permissions: PermissionStore;
  readonly userJwt: JwtKeys;
  readonly users: Users;
  readonly email: EmailSender;
  readonly readiness: Readiness;
  readonly admin: AdminServices;
  readonly cluster: ClusterView;
  readonly changeSchema: SchemaChanger;
  /** Request metrics and GET /metrics; absent in apps built without them. */
  readonly metrics?: NodeMetrics;
  readonly webhooks: WebhookStore;
  /** The media library: upload routes, /uploads/… and the orphan listing. */
  readonly media: MediaLibrary;
  /** Content-API read answers kept in memory; absent when `cache.responses` is off. */
  readonly responses?: ResponseCache;
}

/** The Fastify application of one node: health, the content API, Strapi-shaped errors. */
export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; naming the base type keeps the instance type the default one.
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Fastify's two lines per request are replaced by one access-log line (below), or none.
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
    // for a POST; closeWithin bounds how long that can go on.
    return503OnClosing: false,
    // Malformed URLs (bad percent-encoding) are answered in Strapi's error shape too.
    frameworkErrors: sendFrameworkError,
    // Requests Node's HTTP parser rejects (raw non-ASCII in the URL, broken headers) never reach a route:
    // answer them in the same error shape as everything else.
    clientErrorHandler: (err, socket) => {
      if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
      const [status, reason] =
        err.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'Request Header Fields Too Large']
          : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? [408, 'Request Timeout']
            : [400, 'Bad Request'];
      const body = JSON.stringify({
        data: null,
        error: {
          status,
          name: 'BadRequestError',
          message: `Malformed HTTP request (${reason})`,
          details: {},
        },
      });
      socket.end(
        `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
  });

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  if (config.log.requests) {
    app.addHook('onResponse', async (request, reply) => {
      request.log.info(
        {
          method: request.method,
          url: request.url,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request',
      );
    });
  }

  if (deps.metrics) observeHttp(app, deps.metrics);

  // Helmet headers, CORS and preflights, Retry-After: before any route.
  await registerSecurity(app, config);
  registerJsonParser(app, config.api.rest.maxJsonDepth);
  registerErrorHandling(app);
  registerHealth(app, deps.readiness);
  if (deps.metrics) registerMetricsRoute(app, deps.metrics, config.metricsToken);
  registerUsersPermissions(app, deps, config.api.rest.prefix);
  registerAdminApi(app, deps, config.api.rest.prefix);
  registerContentApi(app, {
    core: deps.core,
    auth: deps.auth,
    prefix: config.api.rest.prefix,
    responses: deps.responses,
  });
  // Static upload routes take precedence over the generic /api/:name routes.
  await registerUploadApi(app, {
    config,
    auth: deps.auth,
    media: deps.media,
    prefix: config.api.rest.prefix,
  });
  registerFileServing(app, deps.media.storage);
  await registerMediaAdminRoutes(app, deps, deps.media);
  await registerAdminUi(app);
  await app.ready();
  return app;
}
