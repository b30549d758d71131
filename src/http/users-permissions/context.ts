import type { FastifyRequest } from 'fastify';
import type { AccessScope } from '../../core/access.js';
import { UnauthorizedError, ValidationError, validationErrors } from '../../core/errors.js';
import type { EmailSender } from '../../auth/email.js';
import type { Authenticator, AuthUser, Principal } from '../../auth/principal.js';
import type { Users } from '../../auth/users-permissions/users.js';
import type { QuorumConfig } from '../../config/index.js';
import type { CoreContext } from '../../core/context.js';

/** What the Users & Permissions routes need. */
export interface UsersPermissionsDeps {
  readonly config: QuorumConfig;
  readonly core: CoreContext;
  readonly auth: Authenticator;
  readonly users: Users;
  readonly email: EmailSender;
}

/** Authenticates the request and checks the route's action; returns the principal and its scope. */
export async function allow(
  deps: UsersPermissionsDeps,
  request: FastifyRequest,
  action: string,
): Promise<{ principal: Principal; scope: AccessScope }> {
  const principal = await deps.auth.authenticate(request.headers.authorization);
  const scope = await deps.auth.authorize(principal, action);
  return { principal, scope };
}

/** The logged-in end user, or 401 (an API token is not a user). */
export function currentUser(principal: Principal): AuthUser {
  if (principal.kind !== 'user') throw new UnauthorizedError();
  return principal.user;
}

/** The request body as an object (bare JSON, no `data` envelope on these routes). */
export function bodyOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new ValidationError('The request body must be a JSON object');
  return body as Record<string, unknown>;
}

/** Required string fields, reported together in yup's words as Strapi's validators do. */
export function requireStrings(
  body: Record<string, unknown>,
  keys: readonly string[],
): Record<string, string> {
  const errors = keys
    .filter((key) => typeof body[key] !== 'string' || (body[key] as string) === '')
    .map((key) => ({ path: [key], message: `${key} is a required field`, name: 'ValidationError' as const }));
  if (errors.length) throw validationErrors(errors);
  return Object.fromEntries(keys.map((key) => [key, body[key] as string]));
}
