import { randomBytes } from 'node:crypto';
import type { RouteHandler } from 'fastify';
import type { LoginGuard } from '../../auth/brute-force.js';
import { AUTH_ACTIONS } from '../../auth/users-permissions/actions.js';
import { BadRequestError, ValidationError } from '../../core/errors.js';
import { clientAddress } from '../security/auth-throttle.js';
import { allow, bodyOf, requireStrings, type UsersPermissionsDeps } from './end-user-request.js';

/** POST /api/auth/local: a user's JWT for an identifier (username or email) and password. */
export function login(deps: UsersPermissionsDeps, guard: LoginGuard): RouteHandler {
  const { config, users } = deps;
  const settings = config.usersPermissions;
  return async (request) => {
    await allow(deps, request, AUTH_ACTIONS.callback);
    const { identifier, password } = requireStrings(bodyOf(request), ['identifier', 'password']);
    const user = await users.byIdentifier(identifier);
    // Failures count per account, whichever identifier (username or email) names it, and per address.
    // While either is locked: 429 before the password is even looked at.
    const attempt = await guard.begin({
      identifier,
      account: user?.documentId,
      address: clientAddress(request),
    });
    // An unknown user costs a hash check too, so response time does not tell which accounts exist. (A
    // bcrypt hash imported from Strapi is slower to check than argon2id, until its first login upgrades it.)
    const valid = user?.password
      ? await deps.core.passwords.verify(user.password, password)
      : await deps.core.passwords.verify(await decoyHash(deps), password).then(() => false);
    if (!user || !valid) {
      await attempt.failed();
      throw new ValidationError('Invalid identifier or password', undefined, 'QUORUM_INVALID_CREDENTIALS');
    }
    if (settings.emailConfirmation && !user.confirmed)
      throw new BadRequestError('Your account email is not confirmed');
    if (user.blocked) throw new BadRequestError('Your account has been blocked by an administrator');
    await attempt.succeeded();
    await users.upgradePasswordHash(user, password);
    return { jwt: await users.issueJwt(user), user: await users.view(user.id) };
  };
}

let decoy: Promise<string> | undefined;
/** A real argon2 hash of a random secret, computed once per process, to verify unknown users against. */
function decoyHash(deps: UsersPermissionsDeps): Promise<string> {
  decoy ??= deps.core.passwords.hash(randomBytes(16).toString('hex'));
  return decoy;
}
