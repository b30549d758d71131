import type { FastifyPluginAsync } from 'fastify';
import { apiTokenRoutes } from './api-token-routes.js';
import { adminAuthRoutes } from './auth-routes.js';
import { contentApiRoleRoutes } from './content-api-role-routes.js';
import type { AdminApiDeps } from './admin-request.js';
import { endUserRoutes } from './end-user-routes.js';
import { adminRoleRoutes } from './role-routes.js';
import { adminUserRoutes } from './user-routes.js';
import { clusterRoutes } from './cluster-routes.js';
import { contentTypeRoutes } from './content-type-routes.js';
import { contentManagerRoutes } from './content-manager/routes.js';
import { scheduleRoutes } from './schedule-routes.js';
import { webhookRoutes } from './webhook-routes.js';

export type { AdminApiDeps } from './admin-request.js';

/**
 * The admin API under /admin/api, and Strapi's content-API role routes under the REST prefix
 * (`/api/users-permissions/roles…`, `/api/users-permissions/permissions`). Each file is a plugin of
 * its own (the media routes, media-routes.ts, are registered by app.ts).
 */
export const adminApiRoutes: FastifyPluginAsync<AdminApiDeps> = async (app, deps) => {
  await app.register(adminAuthRoutes, deps);
  await app.register(adminUserRoutes, deps);
  await app.register(adminRoleRoutes, deps);
  await app.register(apiTokenRoutes, deps);
  await app.register(endUserRoutes, deps);
  await app.register(contentApiRoleRoutes, deps);
  await app.register(clusterRoutes, deps);
  await app.register(contentTypeRoutes, deps);
  await app.register(contentManagerRoutes, deps);
  await app.register(scheduleRoutes, deps);
  await app.register(webhookRoutes, deps);
};
