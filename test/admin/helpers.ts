import { expect } from 'vitest';
import type { TestNode, TestResponse } from '../helpers/node.js';

/** Admin-API helpers shared by the test/admin suites. */

export const FIRST_ADMIN = { email: 'root@example.com', password: 'rootpass123', firstname: 'Root' };

export interface AdminSession {
  readonly token: string;
  readonly refreshToken: string;
  readonly user: { id: number; email: string; roles: { id: number; code: string }[] };
  readonly auth: string;
}

function session(response: TestResponse): AdminSession {
  expect(response.status, response.body).toBe(200);
  const { token, refreshToken, user } = response.json().data;
  return { token, refreshToken, user, auth: `Bearer ${token}` };
}

export async function registerFirstAdmin(t: TestNode, body: object = FIRST_ADMIN): Promise<AdminSession> {
  return session(await t.request({ method: 'POST', url: '/admin/api/register-admin', body, auth: 'none' }));
}

export async function login(t: TestNode, email: string, password: string): Promise<AdminSession> {
  return session(
    await t.request({ method: 'POST', url: '/admin/api/login', body: { email, password }, auth: 'none' }),
  );
}

export async function roleId(t: TestNode, admin: AdminSession, code: string): Promise<number> {
  const response = await t.request({ url: '/admin/api/roles', auth: admin.auth });
  expect(response.status, response.body).toBe(200);
  const role = response.json().data.find((r: { code: string }) => r.code === code);
  expect(role, `role ${code}`).toBeDefined();
  return role.id;
}

/** Creates an admin with the given role codes (as `admin`, a super admin) and logs them in. */
export async function adminWithRoles(
  t: TestNode,
  admin: AdminSession,
  email: string,
  codes: string[],
): Promise<AdminSession> {
  const roles = await Promise.all(codes.map((code) => roleId(t, admin, code)));
  const password = 'password123';
  const created = await t.request({
    method: 'POST',
    url: '/admin/api/users',
    body: { email, password, firstname: email.split('@')[0], roles },
    auth: admin.auth,
  });
  expect(created.status, created.body).toBe(201);
  return login(t, email, password);
}

/** The Strapi error shape, with the expected status and name. */
export function expectError(response: TestResponse, status: number, name?: string): void {
  expect(response.status, response.body).toBe(status);
  const body = response.json();
  expect(body.data).toBeNull();
  expect(body.error.status).toBe(status);
  expect(typeof body.error.message).toBe('string');
  expect(body.error).toHaveProperty('details');
  if (name) expect(body.error.name).toBe(name);
}

/** No secret may ever leave the server: password hashes, the password itself. */
export function expectNoSecrets(response: TestResponse, ...secrets: string[]): void {
  expect(response.body).not.toMatch(/\$argon2/);
  expect(response.body).not.toMatch(/"password"\s*:/);
  expect(response.body).not.toMatch(/token_hash|access_key_hash|passwordHash/);
  for (const secret of secrets) expect(response.body).not.toContain(secret);
}
