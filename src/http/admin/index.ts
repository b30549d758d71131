import type { FastifyInstance } from 'fastify';
import { registerApiTokenRoutes } from './api-token-routes.js';
import { registerAdminAuthRoutes } from './auth-routes.js';
import { registerContentApiRoleRoutes } from './content-api-role-routes.js';
import type { AdminApiDeps } from './context.js';
import { registerEndUserRoutes } from './end-user-routes.js';
import { registerAdminRoleRoutes } from './role-routes.js';
import { registerAdminUserRoutes } from './user-routes.js';
import { registerClusterRoutes } from './cluster-routes.js';
import { registerContentTypeRoutes } from './content-type-routes.js';
import { registerContentManagerRoutes } from './content-manager-routes.js';
import { registerScheduleRoutes } from './schedule-routes.js';
import { registerWebhookRoutes } from './webhook-routes.js';

export type { AdminApiDeps } from './context.js';

/**
 * The admin API under /admin/api, and Strapi's content-API role routes under the REST prefix
 * (`/api/users-permissions/roles…`, `/api/users-permissions/permissions`).
 */
export function registerAdminApi(app: FastifyInstance, deps: AdminApiDeps, restPrefix: string): void {
  registerAdminAuthRoutes(app, deps);
  registerAdminUserRoutes(app, deps);
  registerAdminRoleRoutes(app, deps);
  registerApiTokenRoutes(app, deps);
  registerEndUserRoutes(app, deps);
  registerContentApiRoleRoutes(app, deps, restPrefix);
  registerClusterRoutes(app, deps);
  registerContentTypeRoutes(app, deps);
  registerContentManagerRoutes(app, deps);
  registerScheduleRoutes(app, deps);
  registerWebhookRoutes(app, deps, deps.webhooks);
}
