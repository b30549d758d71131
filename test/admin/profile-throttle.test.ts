import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { adminWithRoles, registerFirstAdmin, type AdminSession } from './helpers.js';

/**
 * `PUT /admin/api/users/me` with `currentPassword` checks a password, so it is throttled like the admin
 * login (issue 16): the login's lock-out (same account, so guesses on either route count together) and
 * the auth routes' rate limit per route and client address.
 */

const CONFIG = {
  // Windows and locks of an hour: nothing expires while the test runs.
  bruteForce: { maxFailures: 3, windowMs: 3_600_000, lockMs: 3_600_000 },
  rateLimit: { auth: { max: 4, windowMs: 3_600_000 } },
};
const LOCKED = 'Too many failed login attempts, please try again later.';
const LIMITED = 'Too many attempts, please try again in a minute.';

describeEachDatabase('admin profile changes are throttled like logins', (kind) => {
  let t: TestNode;
  let root: AdminSession;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen', config: CONFIG });
    root = await registerFirstAdmin(t);
  });
  afterAll(() => t.close());

  const inject = async (method: 'PUT' | 'POST', url: string, body: object, from: string, auth?: string) => {
    const response = await t.node.app.inject({
      method,
      url: `/admin/api${url}`,
      remoteAddress: from,
      payload: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    });
    return { status: response.statusCode, headers: response.headers, json: () => response.json() };
  };

  it('locks the account after bruteForce.maxFailures wrong current passwords, here and at the login', async () => {
    const victim = await adminWithRoles(t, root, 'victim@example.com', ['strapi-editor']);
    const change = (currentPassword: string, from: string) =>
      inject('PUT', '/users/me', { password: 'newpass1234', currentPassword }, from, victim.auth);
    // From different addresses: the account's count is what locks.
    for (const from of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      const wrong = await change('guess12345', from);
      expect(wrong.status).toBe(400);
      expect(wrong.json().error.message).toBe('The current password is invalid');
    }
    const locked = await change('password123', '198.51.100.4');
    expect(locked.status).toBe(429);
    expect(locked.json().error).toMatchObject({ name: 'RateLimitError', message: LOCKED });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // The login of the same account is locked too.
    const login = await inject(
      'POST',
      '/login',
      { email: 'victim@example.com', password: 'password123' },
      '198.51.100.5',
    );
    expect(login.status).toBe(429);
    expect(login.json().error.message).toBe(LOCKED);
    // Changes that need no password are not password guesses.
    expect((await inject('PUT', '/users/me', { firstname: 'V' }, '198.51.100.6', victim.auth)).status).toBe(
      200,
    );
  });

  it('limits requests per client address like the other auth routes', async () => {
    const from = '203.0.113.9';
    for (let i = 0; i < 4; i++)
      expect((await inject('PUT', '/users/me', { firstname: `R${i}` }, from, root.auth)).status).toBe(200);
    const limited = await inject('PUT', '/users/me', { firstname: 'R' }, from, root.auth);
    expect(limited.status).toBe(429);
    expect(limited.json().error.message).toBe(LIMITED);
    // Another address is not held back.
    expect((await inject('PUT', '/users/me', { firstname: 'R' }, '203.0.113.10', root.auth)).status).toBe(
      200,
    );
  });
});
