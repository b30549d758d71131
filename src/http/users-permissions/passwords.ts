import type { RouteHandler } from 'fastify';
import { AUTH_ACTIONS } from '../../auth/users-permissions/actions.js';
import { digest } from '../../auth/users-permissions/users.js';
import { ValidationError } from '../../core/errors.js';
import { isEmail } from '../../core/values.js';
import { allow, bodyOf, currentUser, requireStrings, type UsersPermissionsDeps } from './end-user-request.js';

/** POST /api/auth/forgot-password: queues a reset email; the same answer for every address. */
export function forgotPassword(deps: UsersPermissionsDeps): RouteHandler {
  const { emails } = deps;
  return async (request) => {
    await allow(deps, request, AUTH_ACTIONS.forgotPassword);
    const { email } = requireStrings(bodyOf(request), ['email']);
    if (!isEmail(email)) throw new ValidationError('email must be a valid email');
    // No account enumeration, not even by timing: whether the address is anyone's, and blocked or
    // not, the request does the same thing — queue the reset — and answers at once. The email worker
    // looks the address up, and only a known, unblocked one gets a mail.
    await emails.requestPasswordReset(email.toLowerCase(), request.id);
    return { ok: true };
  };
}

/** POST /api/auth/reset-password: a new password for the code of a reset email. */
export function resetPassword(deps: UsersPermissionsDeps): RouteHandler {
  const { users } = deps;
  return async (request) => {
    await allow(deps, request, AUTH_ACTIONS.resetPassword);
    const { code, password, passwordConfirmation } = requireStrings(bodyOf(request), [
      'code',
      'password',
      'passwordConfirmation',
    ]);
    if (password !== passwordConfirmation) throw new ValidationError('Passwords do not match');
    const user = await users.byColumn('reset_password_token', digest(code));
    if (!user) throw new ValidationError('Incorrect code provided');
    await users.update(user, { password, resetPasswordToken: null });
    return { jwt: await users.issueJwt(user), user: await users.view(user.id) };
  };
}

/** POST /api/auth/change-password: the logged-in user's new password, given the current one. */
export function changePassword(deps: UsersPermissionsDeps): RouteHandler {
  const { users } = deps;
  return async (request) => {
    const { principal } = await allow(deps, request, AUTH_ACTIONS.changePassword);
    const authUser = currentUser(principal);
    const { currentPassword, password, passwordConfirmation } = requireStrings(bodyOf(request), [
      'currentPassword',
      'password',
      'passwordConfirmation',
    ]);
    const user = (await users.byId(authUser.id))!;
    if (!user.password || !(await deps.core.passwords.verify(user.password, currentPassword))) {
      throw new ValidationError('The provided current password is invalid');
    }
    if (currentPassword === password)
      throw new ValidationError('Your new password must be different than your current password');
    if (password !== passwordConfirmation) throw new ValidationError('Passwords do not match');
    await users.update(user, { password });
    return { jwt: await users.issueJwt(user), user: await users.view(user.id) };
  };
}
