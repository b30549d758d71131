import type { FastifyPluginAsync } from 'fastify';
import { ADMIN_PREFIX, adminOf, parseBody, type AdminApiDeps } from './admin-request.js';
import { loginBody, logoutBody, refreshBody, registerAdminBody, updateMeBody } from './bodies.js';
import { ValidationError } from '../../core/errors.js';
import { clientAddress, createAuthThrottle } from '../security/auth-throttle.js';

/**
 * First-admin setup, login, token refresh and logout, and the logged-in admin's own account. Access
 * tokens go in `Authorization: Bearer …`; refresh tokens only ever travel in request and response bodies.
 */
export const adminAuthRoutes: FastifyPluginAsync<AdminApiDeps> = async (app, deps) => {
  const { accounts } = deps.admin;
  // The same cluster-wide protections as the end-user auth routes: rate limits per route and address,
  // and lock-outs of repeated failed logins (admin identifiers are counted apart from end users').
  const throttle = createAuthThrottle(deps.config, deps.core);

  app.get(`${ADMIN_PREFIX}/init`, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: { hasAdmin: await accounts.hasAdmin() } };
  });

  // Every route of this scope is rate-limited (the hook runs after the app's own onRequest hooks).
  await app.register(async (limited) => {
    limited.addHook('onRequest', throttle.limit);

    limited.post(`${ADMIN_PREFIX}/register-admin`, async (request, reply) => {
      const body = parseBody(registerAdminBody, request.body);
      const { tokens, user } = await accounts.registerFirstAdmin(body);
      reply.header('cache-control', 'no-store');
      return { data: { ...tokens, user } };
    });

    limited.post(`${ADMIN_PREFIX}/login`, async (request, reply) => {
      const { email, password } = parseBody(loginBody, request.body);
      const attempt = await throttle.guard.begin({
        identifier: `admin:${email}`,
        address: clientAddress(request),
      });
      const { tokens, user } = await accounts.login(email, password).catch(async (err: unknown) => {
        if (err instanceof ValidationError) await attempt.failed();
        throw err;
      });
      await attempt.succeeded();
      reply.header('cache-control', 'no-store');
      return { data: { ...tokens, user } };
    });

    limited.post(`${ADMIN_PREFIX}/token/refresh`, async (request, reply) => {
      const { refreshToken } = parseBody(refreshBody, request.body);
      reply.header('cache-control', 'no-store');
      return { data: await accounts.refresh(refreshToken) };
    });

    // A profile change that needs the current password is a password guess: rate-limited like the login
    // route, and counted and locked out with the account's logins.
    limited.put(`${ADMIN_PREFIX}/users/me`, async (request) => {
      const principal = await adminOf(deps, request);
      const body = parseBody(updateMeBody, request.body);
      const attempt = { guard: throttle.guard, address: clientAddress(request) };
      return { data: await accounts.updateSelf(principal, body, attempt) };
    });
  });

  app.post(`${ADMIN_PREFIX}/logout`, async (request) => {
    const principal = await adminOf(deps, request);
    const { refreshToken } = parseBody(logoutBody, request.body);
    await accounts.logout(principal, refreshToken);
    return { data: { ok: true } };
  });

  app.get(`${ADMIN_PREFIX}/users/me`, async (request) => {
    return { data: (await adminOf(deps, request)).user };
  });

  /** What the admin may do, for the UI (a super admin: everything the catalogue lists). */
  app.get(`${ADMIN_PREFIX}/users/me/permissions`, async (request) => {
    const { ability } = await adminOf(deps, request);
    return { data: ability.permissions };
  });
};
