import type { FastifyPluginAsync } from 'fastify';
import { ADMIN_ACTIONS } from '../../accounts/actions.js';
import { contentApiActions } from '../../accounts/content-api-actions.js';
import { USER_UID } from '../../auth/users-permissions/schemas.js';
import { createEndUserRoleBody, grantsOf, updateEndUserBody, updateEndUserRoleBody } from './bodies.js';
import {
  ADMIN_PREFIX,
  idParam,
  pageQuery,
  parseBody,
  requireAdmin,
  type AdminApiDeps,
} from './admin-request.js';

type IdParams = { id: string };

/**
 * End users and their roles (Users & Permissions), managed from the admin API. Role grants take
 * conditions: a filters object, with `$user.<field>` variables, compiled into the content API's SQL.
 */
export const endUserRoutes: FastifyPluginAsync<AdminApiDeps> = async (app, deps) => {
  const { endUserRoles, endUsers } = deps.admin;
  const roleActions = ADMIN_ACTIONS.endUserRoles;
  const base = `${ADMIN_PREFIX}/users-permissions`;

  app.get(`${base}/permissions`, async (request) => {
    await requireAdmin(deps, request, roleActions.read);
    return { data: contentApiActions(deps.core.schema()) };
  });

  app.get(`${base}/roles`, async (request) => {
    await requireAdmin(deps, request, roleActions.read);
    return { data: await endUserRoles.list() };
  });

  app.get<{ Params: IdParams }>(`${base}/roles/:id`, async (request) => {
    await requireAdmin(deps, request, roleActions.read);
    const role = await endUserRoles.get(request.params.id);
    return { data: { ...role, permissions: await endUserRoles.grants(role.documentId as string) } };
  });

  app.post(`${base}/roles`, async (request, reply) => {
    await requireAdmin(deps, request, roleActions.create);
    const { permissions, ...input } = parseBody(createEndUserRoleBody, request.body);
    const role = await endUserRoles.create(input, grantsOf(permissions ?? []));
    const grants = await endUserRoles.grants(role.documentId as string);
    return reply.status(201).send({ data: { ...role, permissions: grants } });
  });

  app.put<{ Params: IdParams }>(`${base}/roles/:id`, async (request) => {
    await requireAdmin(deps, request, roleActions.update);
    const { permissions, ...input } = parseBody(updateEndUserRoleBody, request.body);
    const role = await endUserRoles.update(
      request.params.id,
      input,
      permissions === undefined ? undefined : () => grantsOf(permissions),
    );
    return { data: { ...role, permissions: await endUserRoles.grants(role.documentId as string) } };
  });

  app.delete<{ Params: IdParams }>(`${base}/roles/:id`, async (request) => {
    await requireAdmin(deps, request, roleActions.delete);
    return { data: await endUserRoles.remove(request.params.id) };
  });

  // End users are content of the plugin::users-permissions.user type: the content-manager actions on it.
  const read = ADMIN_ACTIONS.content.read;
  const update = ADMIN_ACTIONS.content.update;
  const NOT_FOUND = 'User not found';

  app.get(`${ADMIN_PREFIX}/end-users`, async (request) => {
    await requireAdmin(deps, request, read, USER_UID);
    return { data: await endUsers.list(pageQuery(request.query)) };
  });

  app.get<{ Params: IdParams }>(`${ADMIN_PREFIX}/end-users/:id`, async (request) => {
    await requireAdmin(deps, request, read, USER_UID);
    return { data: await endUsers.get(idParam(request.params.id, NOT_FOUND)) };
  });

  app.put<{ Params: IdParams }>(`${ADMIN_PREFIX}/end-users/:id`, async (request) => {
    await requireAdmin(deps, request, update, USER_UID);
    const id = idParam(request.params.id, NOT_FOUND);
    return { data: await endUsers.update(id, parseBody(updateEndUserBody, request.body)) };
  });
};
