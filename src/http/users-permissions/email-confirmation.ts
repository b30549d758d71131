import type { RouteHandler } from 'fastify';
import { AUTH_ACTIONS } from '../../auth/users-permissions/actions.js';
import { digest } from '../../auth/users-permissions/users.js';
import { BadRequestError, ValidationError } from '../../core/errors.js';
import { isEmail } from '../../core/values.js';
import {
  allow,
  bodyOf,
  MAX_INPUT_LENGTH,
  requireStrings,
  type UsersPermissionsDeps,
} from './end-user-request.js';

/** GET /api/auth/email-confirmation?confirmation=<code>: confirms the address, then redirects. */
export function confirmEmail(
  deps: UsersPermissionsDeps,
): RouteHandler<{ Querystring: { confirmation?: unknown } }> {
  const { config, users } = deps;
  const settings = config.usersPermissions;
  return async (request, reply) => {
    await allow(deps, request, AUTH_ACTIONS.emailConfirmation);
    const code = request.query.confirmation;
    if (typeof code !== 'string' || code === '' || code.length > MAX_INPUT_LENGTH)
      throw new ValidationError('Invalid token');
    const user = await users.byColumn('confirmation_token', digest(code));
    if (!user) throw new ValidationError('Invalid token');
    await users.update(user, { confirmed: true, confirmationToken: null });
    deps.auth.forgetUsers();
    return reply.redirect(settings.emailConfirmationRedirect, 302);
  };
}

/** POST /api/auth/send-email-confirmation: queues the confirmation email again. */
export function sendEmailConfirmation(deps: UsersPermissionsDeps): RouteHandler {
  const { users, emails } = deps;
  return async (request) => {
    await allow(deps, request, AUTH_ACTIONS.sendEmailConfirmation);
    const { email } = requireStrings(bodyOf(request), ['email']);
    if (!isEmail(email)) throw new ValidationError('email must be a valid email');
    // Before any lookup: with no public URL configured, nobody gets a link (and nobody learns more).
    emails.assertCanConfirm();
    const user = await users.byColumn('email', email.toLowerCase());
    if (user) {
      if (user.confirmed) throw new BadRequestError('Already confirmed');
      if (user.blocked) throw new BadRequestError('User blocked');
      await emails.requestConfirmation(user, request.id);
    }
    return { email, sent: true };
  };
}
