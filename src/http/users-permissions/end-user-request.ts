import type { FastifyRequest } from 'fastify';
import type { AccessScope } from '../../core/access.js';
import { UnauthorizedError, ValidationError, validationErrors } from '../../core/errors.js';
import type { UsersPermissionsEmails } from '../../auth/users-permissions/emails.js';
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
  /** Queues the reset-password and confirmation emails (sent by the email worker). */
  readonly emails: UsersPermissionsEmails;
  /**
   * The REST prefix (`/api`), written into each route's path. Not named `prefix`: Fastify would take
   * that option as a prefix of its own for the plugin's routes.
   */
  readonly restPrefix: string;
}

/**
 * The longest value the auth routes accept in a field they only compare (an identifier, a password to
 * check, a code); fields they store are bounded by the user type (255, as Strapi's columns).
 */
export const MAX_INPUT_LENGTH = 1024;

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

/**
 * Required string fields of at most `maxLength` characters, reported together in yup's words as
 * Strapi's validators do.
 */
export function requireStrings(
  body: Record<string, unknown>,
  keys: readonly string[],
  maxLength = MAX_INPUT_LENGTH,
): Record<string, string> {
  const problem = (value: unknown): string | undefined => {
    if (typeof value !== 'string' || value === '') return 'is a required field';
    // Characters as the content validation counts them (code points); UTF-16 length is an upper bound.
    if (value.length > maxLength && [...value].length > maxLength)
      return `must be at most ${maxLength} characters`;
    return undefined;
  };
  const errors = keys
    .map((key) => ({ key, message: problem(body[key]) }))
    .filter((entry): entry is { key: string; message: string } => entry.message !== undefined)
    .map(({ key, message }) => ({
      path: [key],
      message: `${key} ${message}`,
      name: 'ValidationError' as const,
    }));
  if (errors.length) throw validationErrors(errors);
  return Object.fromEntries(keys.map((key) => [key, body[key] as string]));
}
