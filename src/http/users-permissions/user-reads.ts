import type { FastifyRequest, RouteHandler } from 'fastify';
import { USER_ACTIONS } from '../../auth/users-permissions/actions.js';
import type { UserRecord, Users } from '../../auth/users-permissions/users.js';
import { findDocuments } from '../../core/documents/find.js';
import { NotFoundError } from '../../core/errors.js';
import { isPlainObject } from '../../core/query/raw.js';
import { allow, currentUser, type UsersPermissionsDeps } from './end-user-request.js';

export type IdParams = { id: string };

/** GET /api/users/me: the logged-in user. */
export function me(deps: UsersPermissionsDeps): RouteHandler {
  const { users } = deps;
  return async (request) => {
    const { principal, scope } = await allow(deps, request, USER_ACTIONS.me);
    return users.view(currentUser(principal).id, readParams(request), { ...scope, conditions: undefined });
  };
}

/** GET /api/users/count: how many users match the filters (a bare number). */
export function count(deps: UsersPermissionsDeps): RouteHandler {
  const { users } = deps;
  return async (request) => {
    const { scope } = await allow(deps, request, USER_ACTIONS.count);
    const params = readParams(request);
    const result = await findDocuments(deps.core, users.type(), {
      params: { filters: params.filters, pagination: { start: 0, limit: 1, withCount: true } },
      access: scope,
    });
    return (result.pagination as { total: number }).total;
  };
}

/** GET /api/users: a plain array of users. */
export function find(deps: UsersPermissionsDeps): RouteHandler {
  const { users } = deps;
  return async (request) => {
    const { scope } = await allow(deps, request, USER_ACTIONS.find);
    const params = readParams(request);
    // Strapi's user listing takes top-level start/limit as well as the pagination object.
    const pagination =
      params.pagination ??
      (params.start !== undefined || params.limit !== undefined
        ? { start: params.start ?? 0, limit: params.limit ?? 100 }
        : { start: 0, limit: 100 });
    const result = await findDocuments(deps.core, users.type(), {
      params: { ...params, pagination },
      access: scope,
    });
    return result.data;
  };
}

/** GET /api/users/:id. */
export function findOne(deps: UsersPermissionsDeps): RouteHandler<{ Params: IdParams }> {
  const { users } = deps;
  return async (request) => {
    const { scope } = await allow(deps, request, USER_ACTIONS.findOne);
    return users.view((await record(users, request.params.id)).id, readParams(request), scope);
  };
}

/** The user a path's numeric id names, or 404. */
export async function record(users: Users, rawId: string): Promise<UserRecord> {
  const user = /^\d{1,15}$/.test(rawId) ? await users.byId(Number(rawId)) : undefined;
  if (!user) throw new NotFoundError('User not found');
  return user;
}

function readParams(request: FastifyRequest): Record<string, unknown> {
  return isPlainObject(request.query) ? request.query : {};
}
