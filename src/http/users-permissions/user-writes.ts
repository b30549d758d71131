import type { RouteHandler } from 'fastify';
import { AUTHENTICATED_ROLE, USER_ACTIONS } from '../../auth/users-permissions/actions.js';
import { USER_STRING_MAX } from '../../auth/users-permissions/schemas.js';
import type { Users } from '../../auth/users-permissions/users.js';
import { BadRequestError, ValidationError } from '../../core/errors.js';
import { isPlainObject } from '../../core/query/raw.js';
import { allow, bodyOf, requireStrings, type UsersPermissionsDeps } from './end-user-request.js';
import { record, type IdParams } from './user-reads.js';

/** Body keys of /api/users writes that are not user attributes a client may set directly. */
const USER_WRITE_KEYS = new Set([
  'username',
  'email',
  'password',
  'role',
  'confirmed',
  'blocked',
  'provider',
]);

/** POST /api/users: a new user (201), with the Authenticated role unless the body names one. */
export function create(deps: UsersPermissionsDeps): RouteHandler {
  const { users } = deps;
  return async (request, reply) => {
    await allow(deps, request, USER_ACTIONS.create);
    const body = bodyOf(request);
    requireStrings(body, ['username', 'email', 'password'], USER_STRING_MAX);
    const data = await userData(users, body);
    if (await users.byColumn('email', data.email as string)) throw new BadRequestError('Email already taken');
    if (await users.byColumn('username', data.username as string))
      throw new BadRequestError('Username already taken');
    data.role ??= await users.roleDocumentId({ type: AUTHENTICATED_ROLE });
    const created = await users.create({ provider: 'local', confirmed: false, blocked: false, ...data });
    return reply.status(201).send(await users.view(Number(created.id)));
  };
}

/** PUT /api/users/:id. */
export function update(deps: UsersPermissionsDeps): RouteHandler<{ Params: IdParams }> {
  const { users } = deps;
  return async (request) => {
    await allow(deps, request, USER_ACTIONS.update);
    const user = await record(users, request.params.id);
    const data = await userData(users, bodyOf(request));
    if (
      typeof data.email === 'string' &&
      data.email !== user.email &&
      (await users.byColumn('email', data.email))
    ) {
      throw new BadRequestError('Email already taken');
    }
    if (
      typeof data.username === 'string' &&
      data.username !== user.username &&
      (await users.byColumn('username', data.username))
    ) {
      throw new BadRequestError('Username already taken');
    }
    await users.update(user, data);
    deps.auth.forgetUsers();
    return users.view(user.id);
  };
}

/** DELETE /api/users/:id: answers the user as it was. */
export function destroy(deps: UsersPermissionsDeps): RouteHandler<{ Params: IdParams }> {
  const { users } = deps;
  return async (request) => {
    await allow(deps, request, USER_ACTIONS.destroy);
    const user = await record(users, request.params.id);
    const view = await users.view(user.id);
    await users.remove(user);
    deps.auth.forgetUsers();
    return view;
  };
}

/** Validates and normalizes a user body: known keys only, lower-cased email, role by id or documentId. */
async function userData(users: Users, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const extra = new Set(
    [...users.type().attributes.keys()].filter(
      (name) => !['resetPasswordToken', 'confirmationToken'].includes(name),
    ),
  );
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!USER_WRITE_KEYS.has(key) && !extra.has(key))
      throw new ValidationError(`Invalid key ${key}`, { key, source: 'body' }, 'QUORUM_INVALID_KEY');
    data[key] = value;
  }
  if (typeof data.email === 'string') data.email = data.email.toLowerCase();
  if (data.role !== undefined && data.role !== null) {
    const ref = data.role;
    const id =
      typeof ref === 'number' ? ref : isPlainObject(ref) && typeof ref.id === 'number' ? ref.id : undefined;
    const documentId =
      typeof ref === 'string'
        ? ref
        : isPlainObject(ref) && typeof ref.documentId === 'string'
          ? ref.documentId
          : undefined;
    const role =
      id !== undefined
        ? await users.roleDocumentId({ id })
        : documentId
          ? await users.roleDocumentId({ documentId })
          : undefined;
    if (!role)
      throw new ValidationError('role must be an existing role (id or documentId)', {
        key: 'role',
        source: 'body',
      });
    data.role = role;
  }
  return data;
}
