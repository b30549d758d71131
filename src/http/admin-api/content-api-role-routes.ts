import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { actionTree, contentApiActions, enabledActions } from '../../accounts/content-api-actions.js';
import type { Grant, GrantView } from '../../accounts/end-user-roles.js';
import type { Principal } from '../../auth/principal.js';
import { ROLE_ACTIONS } from '../../auth/users-permissions/actions.js';
import { ValidationError, validationErrors, type FieldError } from '../../core/errors.js';
import { isPlainObject } from '../../core/query/raw.js';
import type { AdminApiDeps } from './admin-request.js';

type RoleParams = { id: string };

/**
 * Strapi's content-API role routes (`/api/users-permissions/...`), with Strapi's shapes: bare JSON,
 * `{ roles }` with `nb_users`, `{ role }` with the nested permissions object, `{ ok: true }` for writes.
 * Guarded by the Users & Permissions role actions, like every content-API route. Grants with
 * conditions are shown as enabled and kept as they are while their action stays enabled.
 */
export const contentApiRoleRoutes: FastifyPluginAsync<AdminApiDeps> = async (app, deps) => {
  const { endUserRoles } = deps.admin;
  const base = `${deps.restPrefix}/users-permissions`;

  async function allow(request: FastifyRequest, action: string): Promise<Principal> {
    const principal = await deps.auth.authenticate(request.headers.authorization);
    await deps.auth.authorize(principal, action);
    return principal;
  }

  app.get(`${base}/roles`, async (request) => {
    await allow(request, ROLE_ACTIONS.find);
    return { roles: await endUserRoles.list() };
  });

  app.get<{ Params: RoleParams }>(`${base}/roles/:id`, async (request) => {
    await allow(request, ROLE_ACTIONS.findOne);
    const { nb_users: _count, ...role } = await endUserRoles.get(request.params.id);
    const granted = new Set((await endUserRoles.grants(role.documentId as string)).map((g) => g.action));
    return { role: { ...role, permissions: actionTree(deps.core.schema(), (a) => granted.has(a)) } };
  });

  app.post(`${base}/roles`, async (request) => {
    await allow(request, ROLE_ACTIONS.createRole);
    const body = roleBody(request.body);
    if (typeof body.name !== 'string') throw required('name');
    const actions =
      body.permissions === undefined ? [] : enabledActions(deps.core.schema(), body.permissions);
    await endUserRoles.create(
      { name: body.name, description: body.description, type: body.type },
      actions.map((action) => ({ action })),
    );
    return { ok: true };
  });

  app.put<{ Params: RoleParams }>(`${base}/roles/:id`, async (request) => {
    await allow(request, ROLE_ACTIONS.updateRole);
    const body = roleBody(request.body);
    // Strapi replaces the grants with the enabled actions; without `permissions` Quorum keeps them
    // (Strapi would delete them all).
    const actions =
      body.permissions === undefined ? undefined : enabledActions(deps.core.schema(), body.permissions);
    await endUserRoles.update(
      request.params.id,
      { name: body.name, description: body.description },
      actions && ((current) => keepEnabled(current, actions)),
    );
    return { ok: true };
  });

  app.delete<{ Params: RoleParams }>(`${base}/roles/:id`, async (request) => {
    await allow(request, ROLE_ACTIONS.deleteRole);
    await endUserRoles.remove(request.params.id);
    return { ok: true };
  });

  /** The caller's own permissions over the catalogue (Strapi 5's content-API answer). */
  app.get(`${base}/permissions`, async (request) => {
    const principal = await allow(request, ROLE_ACTIONS.getPermissions);
    const granted = await grantedActions(deps, principal);
    return { permissions: actionTree(deps.core.schema(), granted) };
  });
};

/** The grants for `enabled`: existing grants of enabled actions stay (conditions included); new ones are unconditional. */
function keepEnabled(current: readonly GrantView[], enabled: readonly string[]): Grant[] {
  const wanted = new Set(enabled);
  const kept: Grant[] = current.filter((g) => wanted.has(g.action));
  const present = new Set(kept.map((g) => g.action));
  return [...kept, ...enabled.filter((a) => !present.has(a)).map((action) => ({ action }))];
}

async function grantedActions(
  deps: AdminApiDeps,
  principal: Principal,
): Promise<(action: string) => boolean> {
  if (principal.kind === 'api-token') {
    const { token } = principal;
    const listed = new Set(token.permissions);
    return (action) => {
      const verb = action.slice(action.lastIndexOf('.') + 1);
      if (token.type === 'full-access') return true;
      if (token.type === 'read-only') return verb === 'find' || verb === 'findOne';
      return listed.has(action);
    };
  }
  const snapshot = await deps.permissions.snapshot();
  const role =
    principal.kind === 'user'
      ? principal.user.roleDocumentId
        ? snapshot.roles.get(principal.user.roleDocumentId)
        : undefined
      : snapshot.publicRole;
  const grants = (role && snapshot.grants.get(role.documentId)) || new Map();
  const all = new Set(contentApiActions(deps.core.schema()));
  return (action) => all.has(action) && grants.has(action);
}

interface RoleBody {
  name?: string;
  description?: string;
  type?: string;
  permissions?: unknown;
}

/** Strapi's role body: other keys (`users`, …) are ignored as Strapi does; an empty body is a 400. */
function roleBody(body: unknown): RoleBody {
  if (!isPlainObject(body) || Object.keys(body).length === 0)
    throw new ValidationError('Request body cannot be empty');
  const errors: FieldError[] = [];
  const string = (key: string, max: number): string | undefined => {
    const value = body[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value.length > max) {
      errors.push({
        path: [key],
        message: `${key} must be a string of at most ${max} characters`,
        name: 'ValidationError',
      });
      return undefined;
    }
    return value;
  };
  const result: RoleBody = {
    name: string('name', 100),
    description: string('description', 1000),
    type: string('type', 100),
    permissions: body.permissions ?? undefined,
  };
  if (result.type !== undefined && !/^[a-z0-9][a-z0-9_-]*$/.test(result.type))
    errors.push({
      path: ['type'],
      message: 'type must be lowercase letters, digits, - and _',
      name: 'ValidationError',
    });
  if (errors.length) throw validationErrors(errors);
  return result;
}

function required(key: string): ValidationError {
  return validationErrors([{ path: [key], message: `${key} is a required field`, name: 'ValidationError' }]);
}
