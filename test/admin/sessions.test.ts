import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import {
  FIRST_ADMIN,
  adminWithRoles,
  expectError,
  expectNoSecrets,
  login,
  registerFirstAdmin,
  type AdminSession,
} from './helpers.js';

describeEachDatabase('admin API: login, refresh rotation, reuse detection, logout', (kind) => {
  let t: TestNode;
  let root: AdminSession;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
    root = await registerFirstAdmin(t);
  });
  afterAll(() => t.close());

  const post = (url: string, body: unknown, auth: string = 'none') =>
    t.request({ method: 'POST', url: `/admin/api${url}`, body, auth });
  const me = (auth: string) => t.request({ url: '/admin/api/users/me', auth });

  it('logs in with the right credentials only', async () => {
    const ok = await post('/login', { email: FIRST_ADMIN.email, password: FIRST_ADMIN.password });
    expect(ok.status, ok.body).toBe(200);
    expect(Object.keys(ok.json().data).sort()).toEqual(['refreshToken', 'token', 'user']);
    expectNoSecrets(ok, FIRST_ADMIN.password);

    for (const body of [
      { email: FIRST_ADMIN.email, password: 'wrongpass123' },
      { email: 'nobody@example.com', password: FIRST_ADMIN.password },
    ]) {
      const bad = await post('/login', body);
      expectError(bad, 400, 'ValidationError');
      expect(bad.json().error.message).toBe('Invalid credentials');
      expectNoSecrets(bad, body.password);
    }
    expectError(await post('/login', { email: FIRST_ADMIN.email }), 400, 'ValidationError');
    expectError(await post('/login', 'just a string'), 400, 'ValidationError');
    expectError(await post('/login', { email: ['x'], password: 1 }), 400, 'ValidationError');
  });

  it('authenticates /users/me with the access token only', async () => {
    const response = await me(root.auth);
    expect(response.status, response.body).toBe(200);
    expect(response.json().data).toMatchObject({
      email: FIRST_ADMIN.email,
      roles: [{ code: 'strapi-super-admin' }],
    });
    expectNoSecrets(response);
    expectError(await me('none'), 401, 'UnauthorizedError');
    expectError(await me('Bearer not-a-token'), 401);
    expectError(await me(`Basic ${root.token}`), 401);
    expectError(await me(`Bearer ${root.refreshToken}`), 401);
    // A tampered signature, and a token whose payload was edited.
    expectError(await me(`Bearer ${root.token.slice(0, -3)}abc`), 401);
    const [header, , signature] = root.token.split('.');
    const forged = Buffer.from(JSON.stringify({ id: 999, sid: 'x' })).toString('base64url');
    expectError(await me(`Bearer ${header}.${forged}.${signature}`), 401);
  });

  it('keeps admin and end-user credentials apart', async () => {
    // An admin token is not a content-API credential…
    expectError(await t.request({ url: '/api/articles', auth: root.auth }), 401);
    // …and an end user's JWT does not open the admin API.
    const user = await t.request({
      method: 'POST',
      url: '/api/auth/local/register',
      body: { username: 'enduser', email: 'enduser@example.com', password: 'secret123' },
      auth: 'none',
    });
    expect(user.status, user.body).toBe(200);
    expectError(await me(`Bearer ${user.json().jwt}`), 401);
  });

  it('rotates refresh tokens; a reused one revokes the whole session', async () => {
    const session = await login(t, FIRST_ADMIN.email, FIRST_ADMIN.password);
    const first = await post('/token/refresh', { refreshToken: session.refreshToken });
    expect(first.status, first.body).toBe(200);
    const rotated = first.json().data;
    expect(Object.keys(rotated).sort()).toEqual(['refreshToken', 'token']);
    expect(rotated.refreshToken).not.toBe(session.refreshToken);
    expect((await me(`Bearer ${rotated.token}`)).status).toBe(200);
    // The old access token still works until the session ends (it is short-lived).
    expect((await me(session.auth)).status).toBe(200);

    const second = await post('/token/refresh', { refreshToken: rotated.refreshToken });
    expect(second.status).toBe(200);
    const latest = second.json().data;

    // Replaying an already rotated token: 401, and every token of the family dies with it.
    expectError(
      await post('/token/refresh', { refreshToken: session.refreshToken }),
      401,
      'UnauthorizedError',
    );
    expectError(await post('/token/refresh', { refreshToken: latest.refreshToken }), 401);
    expectError(await me(`Bearer ${latest.token}`), 401);
    expectError(await me(session.auth), 401);
    // Other sessions of the same admin are not affected.
    expect((await me(root.auth)).status).toBe(200);
  });

  it('answers 401 to unknown refresh tokens and 400 to malformed bodies', async () => {
    expectError(await post('/token/refresh', { refreshToken: 'nope' }), 401);
    expectError(await post('/token/refresh', {}), 400, 'ValidationError');
    expectError(await post('/token/refresh', { refreshToken: 42 }), 400);
    expectError(await post('/token/refresh', { refreshToken: 'x'.repeat(5000) }), 400);
  });

  it('lets two concurrent refreshes with one token win once and treats the other as reuse', async () => {
    const session = await login(t, FIRST_ADMIN.email, FIRST_ADMIN.password);
    const results = await Promise.all([
      post('/token/refresh', { refreshToken: session.refreshToken }),
      post('/token/refresh', { refreshToken: session.refreshToken }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[1]).toBe(401);
  });

  it('logs out: the session’s access and refresh tokens stop working', async () => {
    const session = await login(t, FIRST_ADMIN.email, FIRST_ADMIN.password);
    expectError(await post('/logout', {}), 401);
    const out = await post('/logout', { refreshToken: session.refreshToken }, session.auth);
    expect(out.status, out.body).toBe(200);
    expect(out.json()).toEqual({ data: { ok: true } });
    expectError(await me(session.auth), 401);
    expectError(await post('/token/refresh', { refreshToken: session.refreshToken }), 401);
    expect((await me(root.auth)).status).toBe(200);
  });

  it('refuses blocked and inactive admins with 401, at login and on existing sessions', async () => {
    const editor = await adminWithRoles(t, root, 'blocked@example.com', ['strapi-editor']);
    expect((await me(editor.auth)).status).toBe(200);
    const block = await t.request({
      method: 'PUT',
      url: `/admin/api/users/${editor.user.id}`,
      body: { blocked: true },
      auth: root.auth,
    });
    expect(block.status, block.body).toBe(200);
    expect(block.json().data.blocked).toBe(true);
    expectError(await me(editor.auth), 401);
    expectError(await post('/token/refresh', { refreshToken: editor.refreshToken }), 401);
    expectError(
      await post('/login', { email: 'blocked@example.com', password: 'password123' }),
      401,
      'UnauthorizedError',
    );
    // A wrong password stays "invalid credentials": the account's state is not disclosed.
    expectError(await post('/login', { email: 'blocked@example.com', password: 'wrongpass1' }), 400);

    await t.request({
      method: 'PUT',
      url: `/admin/api/users/${editor.user.id}`,
      body: { blocked: false, isActive: false },
      auth: root.auth,
    });
    expectError(await post('/login', { email: 'blocked@example.com', password: 'password123' }), 401);
    await t.request({
      method: 'PUT',
      url: `/admin/api/users/${editor.user.id}`,
      body: { isActive: true },
      auth: root.auth,
    });
    await login(t, 'blocked@example.com', 'password123');
  });

  it('changes its own password with the current one; other sessions end, this one stays', async () => {
    const other = await adminWithRoles(t, root, 'self@example.com', ['strapi-author']);
    const second = await login(t, 'self@example.com', 'password123');
    const put = (body: unknown) =>
      t.request({ method: 'PUT', url: '/admin/api/users/me', body, auth: other.auth });
    expectError(await put({ password: 'newpass1234' }), 400, 'ValidationError');
    expectError(await put({ password: 'newpass1234', currentPassword: 'wrong12345' }), 400);
    expectError(await put({ password: 'weak', currentPassword: 'password123' }), 400);
    expectError(await put({ roles: [1] }), 400);
    const renamed = await put({ firstname: 'Selfie' });
    expect(renamed.json().data.firstname).toBe('Selfie');
    const changed = await put({ password: 'newpass1234', currentPassword: 'password123' });
    expect(changed.status, changed.body).toBe(200);
    expectNoSecrets(changed, 'newpass1234', 'password123');
    expect((await me(other.auth)).status).toBe(200);
    expectError(await me(second.auth), 401);
    await login(t, 'self@example.com', 'newpass1234');
  });
});

describeEachDatabase('admin API: access tokens expire', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({
      kind,
      app: 'kitchen',
      config: { auth: { admin: { accessTokenExpiresIn: 2 } } },
    });
  });
  afterAll(() => t.close());

  it('refuses an expired access token; a refresh gives a fresh one', async () => {
    const session = await registerFirstAdmin(t);
    await new Promise((resolve) => setTimeout(resolve, 3100));
    expectError(await t.request({ url: '/admin/api/users/me', auth: session.auth }), 401);
    const refreshed = await t.request({
      method: 'POST',
      url: '/admin/api/token/refresh',
      body: { refreshToken: session.refreshToken },
      auth: 'none',
    });
    expect(refreshed.status).toBe(200);
    const fresh = await t.request({
      url: '/admin/api/users/me',
      auth: `Bearer ${refreshed.json().data.token}`,
    });
    expect(fresh.status).toBe(200);
  });
});
