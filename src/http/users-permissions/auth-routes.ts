import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { BadRequestError, ValidationError } from '../../core/errors.js';
import { isEmail } from '../../core/values.js';
import { AUTH_ACTIONS, AUTHENTICATED_ROLE } from '../../auth/users-permissions/actions.js';
import { digest, newCode } from '../../auth/users-permissions/users.js';
import { clientAddress, createAuthThrottle } from '../security/auth-throttle.js';
import { allow, bodyOf, currentUser, requireStrings, type UsersPermissionsDeps } from './context.js';

/**
 * Strapi's Users & Permissions authentication routes (reference §6.1): bare JSON bodies and answers,
 * Strapi's messages and status codes. Each route is an action the Public role holds by default.
 */
export function registerAuthRoutes(app: FastifyInstance, deps: UsersPermissionsDeps, prefix: string): void {
  const { config, users } = deps;
  const settings = config.usersPermissions;
  // Rate limits (per route and address) and login lock-outs, counted in the database for the cluster.
  const throttle = createAuthThrottle(config, deps.core);
  const limited = { onRequest: throttle.limit };

  app.post(`${prefix}/auth/local`, limited, async (request) => {
    await allow(deps, request, AUTH_ACTIONS.callback);
    const { identifier, password } = requireStrings(bodyOf(request), ['identifier', 'password']);
    // While the identifier or the address is locked: 429 before the password is even looked at.
    const attempt = await throttle.guard.begin({ identifier, address: clientAddress(request) });
    const user = await users.byIdentifier(identifier);
    // An unknown user costs a hash check too, so response time does not tell which accounts exist.
    const valid = user?.password
      ? await deps.core.passwords.verify(user.password, password)
      : await deps.core.passwords.verify(await decoyHash(deps), password).then(() => false);
    if (!user || !valid) {
      await attempt.failed();
      throw new ValidationError('Invalid identifier or password');
    }
    if (settings.emailConfirmation && !user.confirmed)
      throw new BadRequestError('Your account email is not confirmed');
    if (user.blocked) throw new BadRequestError('Your account has been blocked by an administrator');
    await attempt.succeeded();
    return { jwt: await users.issueJwt(user), user: await users.view(user.id) };
  });

  app.post(`${prefix}/auth/local/register`, limited, async (request) => {
    await allow(deps, request, AUTH_ACTIONS.register);
    if (!settings.register.enabled) throw new BadRequestError('Register action is currently disabled');
    const body = bodyOf(request);
    const allowed = new Set(['username', 'email', 'password', ...settings.register.allowedFields]);
    const invalid = Object.keys(body).filter((key) => !allowed.has(key));
    if (invalid.length) throw new ValidationError(`Invalid parameters: ${invalid.join(', ')}`);
    const { username, email, password } = requireStrings(body, ['username', 'email', 'password']);
    const address = email.toLowerCase();
    // An identifier must name one user: neither value may be anyone's email or username.
    const taken = [await users.byIdentifier(address), await users.byIdentifier(username)].some(Boolean);
    if (taken) throw new BadRequestError('Email or Username are already taken');
    const role = await users.roleDocumentId({ type: AUTHENTICATED_ROLE });
    if (!role) throw new Error('the authenticated role is missing (it is created at start)');
    const confirmationCode = settings.emailConfirmation ? newCode() : undefined;
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
      ...(confirmationCode ? { confirmationToken: digest(confirmationCode) } : {}),
    });
    const user = await users.view(Number(created.id));
    if (confirmationCode) {
      await sendConfirmation(deps, address, confirmationCode, request);
      return { user };
    }
    return { jwt: await users.issueJwt({ id: Number(created.id) }), user };
  });

  app.post(`${prefix}/auth/forgot-password`, limited, async (request) => {
    await allow(deps, request, AUTH_ACTIONS.forgotPassword);
    const { email } = requireStrings(bodyOf(request), ['email']);
    if (!isEmail(email)) throw new ValidationError('email must be a valid email');
    const user = await users.byColumn('email', email.toLowerCase());
    // The answer is the same whether the address exists or not: no account enumeration.
    if (user && !user.blocked) {
      const code = newCode();
      await users.update(user, { resetPasswordToken: digest(code) });
      const link = `${settings.resetPasswordUrl}${settings.resetPasswordUrl.includes('?') ? '&' : '?'}code=${code}`;
      await deps.email.send({
        to: user.email,
        subject: 'Reset password',
        text: `We heard that you lost your password. Sorry about that!\n\nBut don't worry! You can use the following link to reset your password:\n${link}\n\nThanks.`,
      });
    }
    return { ok: true };
  });

  app.post(`${prefix}/auth/reset-password`, limited, async (request) => {
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
  });

  app.post(`${prefix}/auth/change-password`, limited, async (request) => {
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
  });

  app.get<{ Querystring: { confirmation?: unknown } }>(
    `${prefix}/auth/email-confirmation`,
    async (request, reply) => {
      await allow(deps, request, AUTH_ACTIONS.emailConfirmation);
      const code = request.query.confirmation;
      if (typeof code !== 'string' || code === '') throw new ValidationError('Invalid token');
      const user = await users.byColumn('confirmation_token', digest(code));
      if (!user) throw new ValidationError('Invalid token');
      await users.update(user, { confirmed: true, confirmationToken: null });
      deps.auth.forgetUsers();
      return reply.redirect(settings.emailConfirmationRedirect, 302);
    },
  );

  app.post(`${prefix}/auth/send-email-confirmation`, limited, async (request) => {
    await allow(deps, request, AUTH_ACTIONS.sendEmailConfirmation);
    const { email } = requireStrings(bodyOf(request), ['email']);
    if (!isEmail(email)) throw new ValidationError('email must be a valid email');
    const user = await users.byColumn('email', email.toLowerCase());
    if (user) {
      if (user.confirmed) throw new BadRequestError('Already confirmed');
      if (user.blocked) throw new BadRequestError('User blocked');
      const code = newCode();
      await users.update(user, { confirmationToken: digest(code) });
      await sendConfirmation(deps, user.email, code, request);
    }
    return { email, sent: true };
  });

  // Quorum has no OAuth providers: Strapi answers a disabled provider this way.
  const noProvider = async () => {
    throw new BadRequestError('This provider is disabled');
  };
  app.get(`${prefix}/connect/:provider`, noProvider);
  app.get(`${prefix}/auth/:provider/callback`, noProvider);
}

async function sendConfirmation(
  deps: UsersPermissionsDeps,
  to: string,
  code: string,
  request: { protocol: string; host: string },
): Promise<void> {
  const base = `${request.protocol}://${request.host}${deps.config.api.rest.prefix}`;
  await deps.email.send({
    to,
    subject: 'Account confirmation',
    text: `Thank you for registering!\n\nYou have to confirm your email address. Please click on the link below.\n\n${base}/auth/email-confirmation?confirmation=${code}\n\nThanks.`,
  });
}

let decoy: Promise<string> | undefined;
/** A real argon2 hash of a random secret, computed once per process, to verify unknown users against. */
function decoyHash(deps: UsersPermissionsDeps): Promise<string> {
  decoy ??= deps.core.passwords.hash(randomBytes(16).toString('hex'));
  return decoy;
}
