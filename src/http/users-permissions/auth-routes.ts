import type { FastifyPluginAsync } from 'fastify';
import { BadRequestError } from '../../core/errors.js';
import { createAuthThrottle } from '../security/auth-throttle.js';
import type { UsersPermissionsDeps } from './end-user-request.js';
import { confirmEmail, sendEmailConfirmation } from './email-confirmation.js';
import { login } from './login.js';
import { changePassword, forgotPassword, resetPassword } from './passwords.js';
import { register } from './register.js';

/**
 * Strapi's Users & Permissions authentication routes (reference §6.1): bare JSON bodies and answers,
 * Strapi's messages and status codes. Each route is an action the Public role holds by default.
 */
export const authRoutes: FastifyPluginAsync<UsersPermissionsDeps> = async (app, deps) => {
  const prefix = deps.restPrefix;
  // Rate limits (per route and address) and login lock-outs, counted in the database for the cluster.
  const throttle = createAuthThrottle(deps.config, deps.core);

  // Every route of this scope is rate-limited (the hook runs after the app's own onRequest hooks).
  await app.register(async (limited) => {
    limited.addHook('onRequest', throttle.limit);
    limited.post(`${prefix}/auth/local`, login(deps, throttle.guard));
    limited.post(`${prefix}/auth/local/register`, register(deps));
    limited.post(`${prefix}/auth/forgot-password`, forgotPassword(deps));
    limited.post(`${prefix}/auth/reset-password`, resetPassword(deps));
    limited.post(`${prefix}/auth/change-password`, changePassword(deps));
    limited.post(`${prefix}/auth/send-email-confirmation`, sendEmailConfirmation(deps));
  });
  app.get<{ Querystring: { confirmation?: unknown } }>(
    `${prefix}/auth/email-confirmation`,
    confirmEmail(deps),
  );

  // Quorum has no OAuth providers: Strapi answers a disabled provider this way.
  const noProvider = async () => {
    throw new BadRequestError('This provider is disabled');
  };
  app.get(`${prefix}/connect/:provider`, noProvider);
  app.get(`${prefix}/auth/:provider/callback`, noProvider);
};
