import type { FastifyPluginAsync } from 'fastify';
import type { UsersPermissionsDeps } from './end-user-request.js';
import { count, find, findOne, me, type IdParams } from './user-reads.js';
import { create, destroy, update } from './user-writes.js';

/**
 * Strapi's `/api/users` routes: bare JSON (no `data` envelope), users addressed by numeric id, private
 * fields never returned. Listing honours filters, sort, fields, populate and pagination, as the content
 * API does, and returns a plain array.
 */
export const userRoutes: FastifyPluginAsync<UsersPermissionsDeps> = async (app, deps) => {
  const prefix = deps.restPrefix;
  app.get(`${prefix}/users/me`, me(deps));
  app.get(`${prefix}/users/count`, count(deps));
  app.get(`${prefix}/users`, find(deps));
  app.get<{ Params: IdParams }>(`${prefix}/users/:id`, findOne(deps));
  app.post(`${prefix}/users`, create(deps));
  app.put<{ Params: IdParams }>(`${prefix}/users/:id`, update(deps));
  app.delete<{ Params: IdParams }>(`${prefix}/users/:id`, destroy(deps));
};
