import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findDocuments } from '../../core/documents/find.js';
import { BadRequestError, NotFoundError, ValidationError } from '../../core/errors.js';
import { isPlainObject } from '../../core/query/raw.js';
import { AUTHENTICATED_ROLE, USER_ACTIONS } from '../../auth/users-permissions/actions.js';
import type { UserRecord } from '../../auth/users-permissions/users.js';
import { allow, bodyOf, currentUser, requireStrings, type UsersPermissionsDeps } from './context.js';

type IdParams = { id: string };

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

/**
 * Strapi's `/api/users` routes: bare JSON (no `data` envelope), users addressed by numeric id, private
 * fields never returned. Listing honours filters, sort, fields, populate and pagination, as the content
 * API does, and returns a plain array.
 */
export function registerUserRoutes(app: FastifyInstance, deps: UsersPermissionsDeps, prefix: string): void {
  const { users } = deps;

  app.get(`${prefix}/users/me`, async (request) => {
    const { principal, scope } = await allow(deps, request, USER_ACTIONS.me);
    return users.view(currentUser(principal).id, readParams(request), { ...scope, conditions: undefined });
  });

  app.get(`${prefix}/users/count`, async (request) => {
    const { scope } = await allow(deps, request, USER_ACTIONS.count);
    const params = readParams(request);
    const result = await findDocuments(deps.core, users.type(), {
      params: { filters: params.filters, pagination: { start: 0, limit: 1, withCount: true } },
      access: scope,
    });
    return (result.pagination as { total: number }).total;
  });

  app.get(`${prefix}/users`, async (request) => {
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
  });

  app.get<{ Params: IdParams }>(`${prefix}/users/:id`, async (request) => {
    const { scope } = await allow(deps, request, USER_ACTIONS.findOne);
    return users.view(await existing(request.params.id), readParams(request), scope);
  });

  app.post(`${prefix}/users`, async (request, reply) => {
    await allow(deps, request, USER_ACTIONS.create);
    const body = bodyOf(request);
    requireStrings(body, ['username', 'email', 'password']);
    const data = await userData(body);
    if (await users.byColumn('email', data.email as string)) throw new BadRequestError('Email already taken');
    if (await users.byColumn('username', data.username as string))
      throw new BadRequestError('Username already taken');
    data.role ??= await users.roleDocumentId({ type: AUTHENTICATED_ROLE });
    const created = await users.create({ provider: 'local', confirmed: false, blocked: false, ...data });
    return reply.status(201).send(await users.view(Number(created.id)));
  });

  app.put<{ Params: IdParams }>(`${prefix}/users/:id`, async (request) => {
    await allow(deps, request, USER_ACTIONS.update);
    const user = await record(request.params.id);
    const data = await userData(bodyOf(request));
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
  });

  app.delete<{ Params: IdParams }>(`${prefix}/users/:id`, async (request) => {
    await allow(deps, request, USER_ACTIONS.destroy);
    const user = await record(request.params.id);
    const view = await users.view(user.id);
    await users.remove(user);
    deps.auth.forgetUsers();
    return view;
  });

  async function record(rawId: string): Promise<UserRecord> {
    const user = /^\d{1,15}$/.test(rawId) ? await users.byId(Number(rawId)) : undefined;
    if (!user) throw new NotFoundError('User not found');
    return user;
  }

  async function existing(rawId: string): Promise<number> {
    return (await record(rawId)).id;
  }

  /** Validates and normalizes a user body: known keys only, lower-cased email, role by id or documentId. */
  async function userData(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const extra = new Set(
      [...users.type().attributes.keys()].filter(
        (name) => !['resetPasswordToken', 'confirmationToken'].includes(name),
      ),
    );
    const data: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
      if (!USER_WRITE_KEYS.has(key) && !extra.has(key))
        throw new ValidationError(`Invalid key ${key}`, { key, source: 'body' });
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
}

function readParams(request: FastifyRequest): Record<string, unknown> {
  return isPlainObject(request.query) ? request.query : {};
}
