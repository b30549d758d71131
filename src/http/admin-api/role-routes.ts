import type { FastifyPluginAsync } from 'fastify';
import {
  ADMIN_ACTIONS,
  ADMIN_CONDITIONS,
  ALL_ADMIN_ACTIONS,
  isContentAction,
} from '../../accounts/actions.js';
import { createRoleBody, rolePermissionsBody, updateRoleBody } from './bodies.js';
import {
  ADMIN_PREFIX,
  adminOf,
  idParam,
  parseBody,
  requireAdmin,
  type AdminApiDeps,
} from './admin-request.js';

type IdParams = { id: string };
const NOT_FOUND = 'Role not found';

/** Admin roles and their permissions, and the catalogue of admin actions. */
export const adminRoleRoutes: FastifyPluginAsync<AdminApiDeps> = async (app, deps) => {
  const { roles } = deps.admin;
  const actions = ADMIN_ACTIONS.roles;

  /** Every admin action, whether it takes a subject, and the known conditions. */
  app.get(`${ADMIN_PREFIX}/permissions`, async (request) => {
    await adminOf(deps, request);
    const contentTypes = [...deps.core.schema().contentTypes.keys()].sort();
    return {
      data: {
        actions: ALL_ADMIN_ACTIONS.map((action) => ({
          action,
          subjects: isContentAction(action) ? contentTypes : null,
        })),
        conditions: ADMIN_CONDITIONS,
      },
    };
  });

  app.get(`${ADMIN_PREFIX}/roles`, async (request) => {
    await requireAdmin(deps, request, actions.read);
    return { data: await roles.list() };
  });

  app.get<{ Params: IdParams }>(`${ADMIN_PREFIX}/roles/:id`, async (request) => {
    await requireAdmin(deps, request, actions.read);
    return { data: await roles.get(idParam(request.params.id, NOT_FOUND)) };
  });

  app.get<{ Params: IdParams }>(`${ADMIN_PREFIX}/roles/:id/permissions`, async (request) => {
    await requireAdmin(deps, request, actions.read);
    const id = idParam(request.params.id, NOT_FOUND);
    await roles.get(id);
    return { data: await roles.permissions([id]) };
  });

  app.post(`${ADMIN_PREFIX}/roles`, async (request, reply) => {
    await requireAdmin(deps, request, actions.create);
    const body = parseBody(createRoleBody, request.body);
    return reply.status(201).send({ data: await roles.create(body) });
  });

  app.put<{ Params: IdParams }>(`${ADMIN_PREFIX}/roles/:id`, async (request) => {
    await requireAdmin(deps, request, actions.update);
    const id = idParam(request.params.id, NOT_FOUND);
    return { data: await roles.update(id, parseBody(updateRoleBody, request.body)) };
  });

  app.put<{ Params: IdParams }>(`${ADMIN_PREFIX}/roles/:id/permissions`, async (request) => {
    const { ability } = await requireAdmin(deps, request, actions.update);
    const id = idParam(request.params.id, NOT_FOUND);
    const { permissions } = parseBody(rolePermissionsBody, request.body);
    return { data: await roles.setPermissions(ability, id, permissions) };
  });

  app.delete<{ Params: IdParams }>(`${ADMIN_PREFIX}/roles/:id`, async (request) => {
    await requireAdmin(deps, request, actions.delete);
    return { data: await roles.remove(idParam(request.params.id, NOT_FOUND)) };
  });
};
