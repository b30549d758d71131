import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ApiTokens } from '../auth/api-tokens.js';
import type { JwtKeys } from '../auth/jwt.js';
import type { UsersPermissionsEmails } from '../auth/users-permissions/emails.js';
import type { Users } from '../auth/users-permissions/users.js';
import { usersPermissionsRoutes } from './users-permissions/index.js';
import type { AdminServices } from '../accounts/index.js';
import { adminApiRoutes } from './admin-api/index.js';
import { registerAdminUi } from './admin-ui.js';
import { localeRoutes } from './i18n/routes.js';
import type { LocaleStore } from '../core/locales/store.js';
import type { ClusterView } from '../cluster/status.js';
import type { SchemaChanger } from './admin-api/admin-request.js';
import type { PermissionStore } from '../auth/permissions.js';
import type { Authenticator } from '../auth/principal.js';
import type { QuorumConfig } from '../config/index.js';
import type { CoreContext } from '../core/context.js';
import { observeHttp } from '../observability/http-metrics.js';
import { registerMetricsRoute } from './metrics-route.js';
import type { NodeMetrics } from '../observability/metrics.js';
import type { WebhookStore } from '../workers/webhooks/index.js';
import type { MediaLibrary } from '../media/library.js';
import { mediaAdminRoutes } from './admin-api/media-routes.js';
import { uploadApiRoutes } from './upload/routes.js';
import { fileServingRoutes } from './upload/serve.js';
import { contentApiRoutes } from './content-api/routes.js';
import type { ResponseCache } from '../cache/response-cache.js';
import { registerErrorHandling } from './errors.js';
import { registerHealth, type Readiness } from './health.js';
import { registerJsonParser } from './json-body.js';
import { refuseUnsupportedMethods } from './methods.js';
import { serverOptions } from './server-options.js';
import { redactUrl } from '../lib/redact-url.js';
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
  /** Queues the Users & Permissions emails (the email worker sends them). */
  readonly emails: UsersPermissionsEmails;
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
  /** The i18n locales (GET /api/i18n/locales, /admin/api/i18n/*). */
  readonly locales: LocaleStore;
}

/**
 * The Fastify application of one node: what every request goes through (request id, refused methods,
 * access log, metrics, security headers, body parsing, Strapi-shaped errors), then the route groups,
 * each a Fastify plugin.
 */
export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify(serverOptions(config, deps.logger));

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  refuseUnsupportedMethods(app);
  if (config.log.requests) logRequests(app);
  if (deps.metrics) observeHttp(app, deps.metrics);

  // Helmet headers, CORS and preflights, Retry-After: before any route.
  await registerSecurity(app, config);
  registerJsonParser(app, config.api.rest.maxJsonDepth);
  registerErrorHandling(app);
  // The route plugins are registered after every hook, parser and handler above: a plugin's scope
  // inherits what its parent has when it is registered, not what is added later.
  await registerRoutes(app, deps);
  await app.ready();
  return app;
}

async function registerRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { config } = deps;
  const restPrefix = config.api.rest.prefix;
  registerHealth(app, deps.readiness);
  if (deps.metrics) registerMetricsRoute(app, deps.metrics, config.metricsToken);
  await app.register(usersPermissionsRoutes, { ...deps, restPrefix });
  await app.register(adminApiRoutes, { ...deps, restPrefix });
  await app.register(localeRoutes, { ...deps, restPrefix });
  await app.register(contentApiRoutes, {
    core: deps.core,
    auth: deps.auth,
    restPrefix,
    responses: deps.responses,
  });
  // Static upload routes take precedence over the generic /api/:name routes.
  await app.register(uploadApiRoutes, { config, auth: deps.auth, media: deps.media, restPrefix });
  await app.register(fileServingRoutes, { storage: deps.media.storage });
  await app.register(mediaAdminRoutes, { ...deps, restPrefix });
  await registerAdminUi(app);
}

/** One access-log line per request (`log.requests`). */
function logRequests(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        // One-time codes in links from emails (confirmation=, code=) never reach the log.
        url: redactUrl(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
  });
}
