import type { RouteHandler } from 'fastify';
import { AUTH_ACTIONS, AUTHENTICATED_ROLE } from '../../auth/users-permissions/actions.js';
import { USER_STRING_MAX } from '../../auth/users-permissions/schemas.js';
import { BadRequestError, ValidationError } from '../../core/errors.js';
import { allow, bodyOf, requireStrings, type UsersPermissionsDeps } from './end-user-request.js';

/**
 * POST /api/auth/local/register: a new user with the Authenticated role; with email confirmation on,
 * the confirmation is queued and the answer carries no JWT.
 */
export function register(deps: UsersPermissionsDeps): RouteHandler {
  const { config, users, emails } = deps;
  const settings = config.usersPermissions;
  return async (request) => {
    await allow(deps, request, AUTH_ACTIONS.register);
    if (!settings.register.enabled) throw new BadRequestError('Register action is currently disabled');
    const body = bodyOf(request);
    const allowed = new Set(['username', 'email', 'password', ...settings.register.allowedFields]);
    const invalid = Object.keys(body).filter((key) => !allowed.has(key));
    if (invalid.length) throw new ValidationError(`Invalid parameters: ${invalid.join(', ')}`);
    // Bounded before anything is looked up; the user type's own rules (the same bounds) apply at create.
    const { username, email, password } = requireStrings(
      body,
      ['username', 'email', 'password'],
      USER_STRING_MAX,
    );
    const address = email.toLowerCase();
    // An identifier must name one user: neither value may be anyone's email or username.
    const taken = [await users.byIdentifier(address), await users.byIdentifier(username)].some(Boolean);
    if (taken) throw new BadRequestError('Email or Username are already taken');
    const role = await users.roleDocumentId({ type: AUTHENTICATED_ROLE });
    if (!role) throw new Error('the authenticated role is missing (it is created at start)');
    const extra = Object.fromEntries(
      settings.register.allowedFields.filter((key) => key in body).map((key) => [key, body[key]]),
    );
    const created = await users.create({
      ...extra,
      username,
      email: address,
      password,
      provider: 'local',
      role,
      confirmed: !settings.emailConfirmation,
    });
    const user = await users.view(Number(created.id));
    if (settings.emailConfirmation) {
      // Queued, not sent: the answer does not wait for the mail server (the worker makes the code).
      await emails.requestConfirmation({ documentId: String(created.documentId) }, request.id);
      return { user };
    }
    return { jwt: await users.issueJwt({ id: Number(created.id) }), user };
  };
}
