import type { FastifyInstance } from 'fastify';
import { ADMIN_PREFIX, adminOf, parseBody, type AdminApiDeps } from './context.js';
import { loginBody, logoutBody, refreshBody, registerAdminBody, updateMeBody } from './bodies.js';
import { ValidationError } from '../../core/errors.js';
import { clientAddress, createAuthThrottle } from '../security/auth-throttle.js';

/**
 * First-admin setup, login, token refresh and logout, and the logged-in admin's own account. Access
 * tokens go in `Authorization: Bearer …`; refresh tokens only ever travel in request and response bodies.
 */
export function registerAdminAuthRoutes(app: FastifyInstance, deps: AdminApiDeps): void {
  const { accounts } = deps.admin;
  // The same cluster-wide protections as the end-user auth routes: rate limits per route and address,
  // and lock-outs of repeated failed logins (admin identifiers are counted apart from end users').
  const throttle = createAuthThrottle(deps.config, deps.core);
  const limited = { onRequest: throttle.limit };

  app.get(`${ADMIN_PREFIX}/init`, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { data: { hasAdmin: await accounts.hasAdmin() } };
  });

  app.post(`${ADMIN_PREFIX}/register-admin`, limited, async (request, reply) => {
    const body = parseBody(registerAdminBody, request.body);
    const { tokens, user } = await accounts.registerFirstAdmin(body);
    reply.header('cache-control', 'no-store');
    return { data: { ...tokens, user } };
  });

  app.post(`${ADMIN_PREFIX}/login`, limited, async (request, reply) => {
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

  app.post(`${ADMIN_PREFIX}/token/refresh`, limited, async (request, reply) => {
    const { refreshToken } = parseBody(refreshBody, request.body);
    reply.header('cache-control', 'no-store');
    return { data: await accounts.refresh(refreshToken) };
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

  app.put(`${ADMIN_PREFIX}/users/me`, async (request) => {
    const principal = await adminOf(deps, request);
    const body = parseBody(updateMeBody, request.body);
    return { data: await accounts.updateSelf(principal, body) };
  });

  /** What the admin may do, for the UI (a super admin: everything the catalogue lists). */
  app.get(`${ADMIN_PREFIX}/users/me/permissions`, async (request) => {
    const { ability } = await adminOf(deps, request);
    return { data: ability.permissions };
  });
}
