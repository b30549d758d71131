import type { FastifyPluginAsync } from 'fastify';
import { authRoutes } from './auth-routes.js';
import type { UsersPermissionsDeps } from './end-user-request.js';
import { userRoutes } from './user-routes.js';

export type { UsersPermissionsDeps } from './end-user-request.js';

/** The Users & Permissions content-API routes under the REST prefix (static paths win over /api/:name). */
export const usersPermissionsRoutes: FastifyPluginAsync<UsersPermissionsDeps> = async (app, deps) => {
  await app.register(authRoutes, deps);
  await app.register(userRoutes, deps);
};
