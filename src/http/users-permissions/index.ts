import type { FastifyInstance } from 'fastify';
import { registerAuthRoutes } from './auth-routes.js';
import type { UsersPermissionsDeps } from './context.js';
import { registerUserRoutes } from './user-routes.js';

export type { UsersPermissionsDeps } from './context.js';

/** The Users & Permissions content-API routes under the REST prefix (static paths win over /api/:name). */
export function registerUsersPermissions(
  app: FastifyInstance,
  deps: UsersPermissionsDeps,
  prefix: string,
): void {
  registerAuthRoutes(app, deps, prefix);
  registerUserRoutes(app, deps, prefix);
}
