import type { FastifyPluginAsync } from 'fastify';
import { ADMIN_ACTIONS } from '../../accounts/actions.js';
import { createUserBody, updateUserBody } from './bodies.js';
import {
  ADMIN_PREFIX,
  idParam,
  pageQuery,
  parseBody,
  requireAdmin,
  type AdminApiDeps,
} from './admin-request.js';

type IdParams = { id: string };
const NOT_FOUND = 'User not found';

/** Admin accounts (not end users: see end-user-routes.ts). */
export const adminUserRoutes: FastifyPluginAsync<AdminApiDeps> = async (app, deps) => {
  const { accounts, users } = deps.admin;
  const actions = ADMIN_ACTIONS.users;

  app.get(`${ADMIN_PREFIX}/users`, async (request) => {
    await requireAdmin(deps, request, actions.read);
    return { data: await users.list(pageQuery(request.query)) };
  });

  app.get<{ Params: IdParams }>(`${ADMIN_PREFIX}/users/:id`, async (request) => {
    await requireAdmin(deps, request, actions.read);
    return { data: await users.view(idParam(request.params.id, NOT_FOUND)) };
  });

  app.post(`${ADMIN_PREFIX}/users`, async (request, reply) => {
    const actor = await requireAdmin(deps, request, actions.create);
    const { roles, ...body } = parseBody(createUserBody, request.body);
    const user = await accounts.create(actor, { ...body, roleIds: roles });
    return reply.status(201).send({ data: user });
  });

  app.put<{ Params: IdParams }>(`${ADMIN_PREFIX}/users/:id`, async (request) => {
    const actor = await requireAdmin(deps, request, actions.update);
    const id = idParam(request.params.id, NOT_FOUND);
    const { roles, ...body } = parseBody(updateUserBody, request.body);
    return { data: await accounts.update(actor, id, { ...body, roleIds: roles }) };
  });

  app.delete<{ Params: IdParams }>(`${ADMIN_PREFIX}/users/:id`, async (request) => {
    const actor = await requireAdmin(deps, request, actions.delete);
    return { data: await accounts.remove(actor, idParam(request.params.id, NOT_FOUND)) };
  });
};
