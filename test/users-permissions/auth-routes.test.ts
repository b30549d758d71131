import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/content-query.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import type { RequestOptions, TestNode, TestResponse } from '../helpers/node.js';
import {
  bearer,
  emailsSent,
  lastMailTo,
  login,
  readMails,
  register,
  role,
  signedJwt,
  startNodeWithPermissions,
  tempMailDir,
  updateUser,
  type PermissionsFile,
  type SignedIn,
} from '../helpers/users-permissions.js';

/**
 * The Users & Permissions routes (reference §6.1, §6.3; Strapi's auth and user controllers): bare JSON
 * bodies, Strapi's messages and status codes, and never a private field in an answer.
 */

const USER_KEYS = [
  'blocked',
  'confirmed',
  'createdAt',
  'documentId',
  'email',
  'fullName',
  'id',
  'provider',
  'publishedAt',
  'updatedAt',
  'username',
];
const keys = (value: unknown) => Object.keys(value as object).sort();

const USER_ACTIONS = ['find', 'findOne', 'count', 'create', 'update', 'destroy'].map(
  (a) => `plugin::users-permissions.user.${a}`,
);
// Built-in roles keep Strapi's defaults (Public: the auth routes; Authenticated: me, change password);
// a "manager" role may use every /api/users route.
const PERMISSIONS: PermissionsFile = {
  roles: { manager: { name: 'Manager', permissions: USER_ACTIONS } },
};

function error(status: number, name: string, message: string) {
  return { data: null, error: { status, name, message, details: {} } };
}
const FORBIDDEN = error(403, 'ForbiddenError', 'Forbidden');
const BAD_LOGIN = error(400, 'ValidationError', 'Invalid identifier or password');
const TAKEN = error(400, 'ApplicationError', 'Email or Username are already taken');

/**
 * A JWT of a blocked, deleted or (when confirmation is required) unconfirmed user: 401 with Strapi's
 * message "Invalid credentials" (§6.3; the users-permissions strategy returns that error). The message is
 * checked softly so the rest of the test still runs.
 */
function expectInvalidCredentials(res: TestResponse): void {
  expect(res.status, res.body).toBe(401);
  expect.soft(res.json(), res.body).toEqual(error(401, 'UnauthorizedError', 'Invalid credentials'));
}

describeEachDatabase('Users & Permissions routes', (kind) => {
  let t: TestNode;
  let mailDir: string;
  let alice: SignedIn;
  let manager: SignedIn;

  const post = (url: string, body: unknown, auth = 'none') => t.request({ method: 'POST', url, body, auth });
  // Emails are sent by the node's email worker after the request answered: wait for it before reading.
  const mails = async () => {
    await emailsSent(t);
    return readMails(mailDir);
  };
  const lastMail = async (address: string, param: string) => {
    await emailsSent(t);
    return lastMailTo(mailDir, address, param);
  };
  const send = (options: RequestOptions) => t.request({ auth: 'none', ...options });

  beforeAll(async () => {
    mailDir = tempMailDir();
    t = await startNodeWithPermissions({
      kind,
      permissions: PERMISSIONS,
      config: {
        usersPermissions: {
          register: { allowedFields: ['fullName', 'secretAnswer'] },
          resetPasswordUrl: 'https://app.example/reset-password',
        },
        email: { provider: 'file', dir: mailDir },
      },
    });
    alice = await register(t, { username: 'alice', email: 'Alice@Example.com', password: 'alice-pass-1' });
    manager = await register(t, {
      username: 'manager',
      email: 'manager@example.com',
      password: 'manager-pass',
    });
    await updateUser(t, manager.user.id, { role: (await role(t, 'manager')).id });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(mailDir, { recursive: true, force: true });
  });

  describe('register', () => {
    it('answers { jwt, user } with the user’s public fields; the email is stored lower-cased', async () => {
      const res = await post('/api/auth/local/register', {
        username: 'bob',
        email: 'Bob@Example.COM',
        password: 'bob-pass-1',
      });
      expect(res.status, res.body).toBe(200);
      const body = res.json();
      expect(keys(body)).toEqual(['jwt', 'user']);
      expect(keys(body.user)).toEqual(USER_KEYS);
      expect(body.user).toMatchObject({
        username: 'bob',
        email: 'bob@example.com',
        provider: 'local',
        confirmed: true,
        blocked: false,
        fullName: null,
      });
      const me = await t.request({ url: '/api/users/me', auth: bearer(body.jwt) });
      expect(me.status, me.body).toBe(200);
      expect(me.json()).toEqual(body.user);
      // A new user has the Authenticated role.
      const withRole = await t.request({ url: `/api/users/${body.user.id}?populate=role` });
      expect(withRole.json().role.type).toBe('authenticated');
    });

    it('a taken email (any case) or username is 400 "Email or Username are already taken"', async () => {
      for (const body of [
        { username: 'alice2', email: 'alice@example.com', password: 'whatever-1' },
        { username: 'alice3', email: 'ALICE@EXAMPLE.COM', password: 'whatever-1' },
        { username: 'alice', email: 'other-alice@example.com', password: 'whatever-1' },
      ]) {
        const res = await post('/api/auth/local/register', body);
        expect(res.status, res.body).toBe(400);
        expect(res.json()).toEqual(TAKEN);
      }
    });

    it('an identifier may not name two users: a username equal to an existing email is taken, and vice versa', async () => {
      // Strapi's register checks email and username against both columns (controllers/auth.js).
      const res = await post('/api/auth/local/register', {
        username: 'alice@example.com',
        email: 'someone-else@example.com',
        password: 'whatever-1',
      });
      expect(res.json(), res.body).toEqual(TAKEN);
      await register(t, {
        username: 'carol@example.org',
        email: 'carol@example.com',
        password: 'carol-pass',
      });
      const reverse = await post('/api/auth/local/register', {
        username: 'carol',
        email: 'Carol@Example.org',
        password: 'whatever-1',
      });
      expect(reverse.json(), reverse.body).toEqual(TAKEN);
    });

    it('keys outside username, email, password and allowedFields are 400 "Invalid parameters: …"', async () => {
      const res = await post('/api/auth/local/register', {
        username: 'mallory',
        email: 'mallory@example.com',
        password: 'mallory-pass',
        confirmed: true,
        role: 1,
      });
      expect(res.json(), res.body).toEqual(
        error(400, 'ValidationError', 'Invalid parameters: confirmed, role'),
      );
      expect(
        await t.request({ url: '/api/users/count?filters[username]=mallory' }).then((r) => r.json()),
      ).toBe(0);
      const blocked = await post('/api/auth/local/register', {
        username: 'mallory',
        email: 'mallory@example.com',
        password: 'mallory-pass',
        blocked: false,
      });
      expect(blocked.json()).toEqual(error(400, 'ValidationError', 'Invalid parameters: blocked'));
    });

    it('allowedFields are stored; a private one is never returned', async () => {
      const res = await post('/api/auth/local/register', {
        username: 'dora',
        email: 'dora@example.com',
        password: 'dora-pass-1',
        fullName: 'Dora Explorer',
        secretAnswer: 'the-secret-answer',
      });
      expect(res.status, res.body).toBe(200);
      expect(keys(res.json().user)).toEqual(USER_KEYS);
      expect(res.json().user.fullName).toBe('Dora Explorer');
      expect(res.body).not.toContain('the-secret-answer');
      // Stored: only a filter on it could tell, and filtering on a private attribute is refused.
      const stored = await t.node.database.db
        .selectFrom(t.node.core.schema().contentTypes.get('plugin::users-permissions.user')!.tableName)
        .select('secret_answer')
        .where('username', '=', 'dora')
        .executeTakeFirstOrThrow();
      expect(stored.secret_answer).toBe('the-secret-answer');
    });

    it('missing or invalid fields are 400 ValidationError and create nothing', async () => {
      const before = (await t.request({ url: '/api/users/count' })).json();
      for (const body of [
        {},
        { username: 'eve', email: 'eve@example.com' },
        { username: 'eve', password: 'eve-pass-1' },
        { email: 'eve@example.com', password: 'eve-pass-1' },
        { username: 'eve', email: 'not-an-email', password: 'eve-pass-1' },
        { username: 'eve', email: 'eve@example.com', password: 12345678 },
      ]) {
        const res = await post('/api/auth/local/register', body);
        expectError(res, 400, 'ValidationError');
      }
      expect((await t.request({ url: '/api/users/count' })).json()).toBe(before);
    });
  });

  describe('login', () => {
    it('by email in any case, or by username: { jwt, user }', async () => {
      for (const identifier of ['alice@example.com', 'ALICE@example.COM', 'alice']) {
        const res = await login(t, identifier, 'alice-pass-1');
        expect(res.status, `${identifier}: ${res.body}`).toBe(200);
        expect(keys(res.json())).toEqual(['jwt', 'user']);
        expect(keys(res.json().user)).toEqual(USER_KEYS);
        expect(res.json().user.id).toBe(alice.user.id);
        const me = await t.request({ url: '/api/users/me', auth: bearer(res.json().jwt) });
        expect(me.json().username).toBe('alice');
      }
    });

    it('a wrong password, an unknown identifier or a wrongly cased username is "Invalid identifier or password"', async () => {
      for (const [identifier, password] of [
        ['alice', 'alice-pass-2'],
        ['alice@example.com', ''],
        ['nobody@example.com', 'alice-pass-1'],
        ['ALICE', 'alice-pass-1'],
      ]) {
        const res = await login(t, identifier, password);
        expect(res.status, res.body).toBe(400);
        if (password !== '') expect(res.json()).toEqual(BAD_LOGIN);
        else expectError(res, 400, 'ValidationError');
      }
      expectError(await post('/api/auth/local', { identifier: 'alice' }), 400, 'ValidationError');
      expectError(await post('/api/auth/local', { password: 'alice-pass-1' }), 400, 'ValidationError');
    });

    it('a blocked user: "Your account has been blocked by an administrator", and its JWT stops working', async () => {
      const frank = await register(t, {
        username: 'frank',
        email: 'frank@example.com',
        password: 'frank-pass',
      });
      await updateUser(t, frank.user.id, { blocked: true });
      expect((await login(t, 'frank', 'frank-pass')).json()).toEqual(
        error(400, 'ApplicationError', 'Your account has been blocked by an administrator'),
      );
      // The password is checked first: a wrong one says nothing about the account.
      expect((await login(t, 'frank', 'wrong-pass')).json()).toEqual(BAD_LOGIN);
      expectInvalidCredentials(await t.request({ url: '/api/users/me', auth: frank.auth }));
      await updateUser(t, frank.user.id, { blocked: false });
      expect((await login(t, 'frank', 'frank-pass')).status).toBe(200);
    });

    it('an Authorization header that authenticates as nothing is 401 even on the public auth routes', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/auth/local',
        body: { identifier: 'alice', password: 'alice-pass-1' },
        auth: 'Bearer not-a-valid-token',
      });
      expect(res.json(), res.body).toEqual(error(401, 'UnauthorizedError', 'Missing or invalid credentials'));
    });
  });

  describe('forgot and reset password', () => {
    it('forgot-password always answers { ok: true }; only a known, unblocked address gets a mail', async () => {
      const grace = await register(t, {
        username: 'grace',
        email: 'grace@example.com',
        password: 'grace-pass',
      });
      const before = (await mails()).length;
      for (const email of ['nobody@example.com', 'Grace@Example.com']) {
        const res = await post('/api/auth/forgot-password', { email });
        expect(res.status, res.body).toBe(200);
        expect(res.json()).toEqual({ ok: true });
      }
      const all = await mails();
      expect(all.length).toBe(before + 1);
      const { mail, code } = await lastMail('grace@example.com', 'code');
      expect(mail.text).toContain(`https://app.example/reset-password?code=${code}`);
      expect(mail.text).not.toContain('grace-pass');
      // Blocked users get nothing, and the answer is the same.
      await updateUser(t, grace.user.id, { blocked: true });
      expect((await post('/api/auth/forgot-password', { email: 'grace@example.com' })).json()).toEqual({
        ok: true,
      });
      expect((await mails()).length).toBe(before + 1);
      await updateUser(t, grace.user.id, { blocked: false });
      expectError(await post('/api/auth/forgot-password', { email: 'not-an-email' }), 400, 'ValidationError');
      expectError(await post('/api/auth/forgot-password', {}), 400, 'ValidationError');
    });

    it('reset-password: mismatch, wrong code, then success with { jwt, user }; the old password stops working', async () => {
      await register(t, { username: 'heidi', email: 'heidi@example.com', password: 'heidi-old' });
      await post('/api/auth/forgot-password', { email: 'heidi@example.com' });
      const first = (await lastMail('heidi@example.com', 'code')).code;
      // Asking again replaces the code.
      await post('/api/auth/forgot-password', { email: 'heidi@example.com' });
      const { code } = await lastMail('heidi@example.com', 'code');
      expect(code).not.toBe(first);

      const reset = (body: Record<string, unknown>) => post('/api/auth/reset-password', body);
      expect(
        (await reset({ code, password: 'heidi-new', passwordConfirmation: 'heidi-other' })).json(),
      ).toEqual(error(400, 'ValidationError', 'Passwords do not match'));
      for (const wrong of [first, 'deadbeef', `${code}0`]) {
        expect(
          (await reset({ code: wrong, password: 'heidi-new', passwordConfirmation: 'heidi-new' })).json(),
        ).toEqual(error(400, 'ValidationError', 'Incorrect code provided'));
      }
      expectError(
        await reset({ password: 'heidi-new', passwordConfirmation: 'heidi-new' }),
        400,
        'ValidationError',
      );
      expect((await login(t, 'heidi', 'heidi-old')).status).toBe(200);

      const ok = await reset({ code, password: 'heidi-new', passwordConfirmation: 'heidi-new' });
      expect(ok.status, ok.body).toBe(200);
      expect(keys(ok.json())).toEqual(['jwt', 'user']);
      expect(keys(ok.json().user)).toEqual(USER_KEYS);
      expect(ok.json().user.username).toBe('heidi');
      expect((await t.request({ url: '/api/users/me', auth: bearer(ok.json().jwt) })).json().username).toBe(
        'heidi',
      );
      expect((await login(t, 'heidi', 'heidi-old')).json()).toEqual(BAD_LOGIN);
      expect((await login(t, 'heidi@example.com', 'heidi-new')).status).toBe(200);
      // A code works once.
      expect(
        (await reset({ code, password: 'heidi-3rd', passwordConfirmation: 'heidi-3rd' })).json(),
      ).toEqual(error(400, 'ValidationError', 'Incorrect code provided'));
    });
  });

  describe('change password', () => {
    it('needs a user: 403 without credentials (Public lacks it), a 4xx for an API token', async () => {
      const body = { currentPassword: 'x-pass-1', password: 'y-pass-1', passwordConfirmation: 'y-pass-1' };
      expect((await post('/api/auth/change-password', body)).json()).toEqual(FORBIDDEN);
      const asToken = await post('/api/auth/change-password', body, 'full');
      expect([400, 401]).toContain(asToken.status);
      expectError(asToken, asToken.status, ['ApplicationError', 'UnauthorizedError']);
    });

    it('wrong current password, same password, mismatch, then success; the old password stops working', async () => {
      const ivan = await register(t, { username: 'ivan', email: 'ivan@example.com', password: 'ivan-old-1' });
      const change = (body: Record<string, unknown>) => post('/api/auth/change-password', body, ivan.auth);
      expect(
        (
          await change({
            currentPassword: 'ivan-wrong',
            password: 'ivan-new-1',
            passwordConfirmation: 'ivan-new-1',
          })
        ).json(),
      ).toEqual(error(400, 'ValidationError', 'The provided current password is invalid'));
      expect(
        (
          await change({
            currentPassword: 'ivan-old-1',
            password: 'ivan-old-1',
            passwordConfirmation: 'ivan-old-1',
          })
        ).json(),
      ).toEqual(
        error(400, 'ValidationError', 'Your new password must be different than your current password'),
      );
      expect(
        (
          await change({
            currentPassword: 'ivan-old-1',
            password: 'ivan-new-1',
            passwordConfirmation: 'ivan-new-2',
          })
        ).json(),
      ).toEqual(error(400, 'ValidationError', 'Passwords do not match'));
      expectError(
        await change({ currentPassword: 'ivan-old-1', password: 'ivan-new-1' }),
        400,
        'ValidationError',
      );
      expect((await login(t, 'ivan', 'ivan-old-1')).status).toBe(200);

      const ok = await change({
        currentPassword: 'ivan-old-1',
        password: 'ivan-new-1',
        passwordConfirmation: 'ivan-new-1',
      });
      expect(ok.status, ok.body).toBe(200);
      expect(keys(ok.json())).toEqual(['jwt', 'user']);
      expect(keys(ok.json().user)).toEqual(USER_KEYS);
      expect((await t.request({ url: '/api/users/me', auth: bearer(ok.json().jwt) })).status).toBe(200);
      expect((await login(t, 'ivan', 'ivan-old-1')).json()).toEqual(BAD_LOGIN);
      expect((await login(t, 'ivan', 'ivan-new-1')).status).toBe(200);
    });
  });

  describe('/api/users', () => {
    let listed: SignedIn[];
    beforeAll(async () => {
      listed = [];
      for (const name of ['list-b', 'list-c', 'list-a'])
        listed.push(
          await register(t, { username: name, email: `${name}@example.com`, password: `${name}-pass` }),
        );
    });

    it('GET /api/users/me: 403 without credentials, the user with a JWT, 401 for an API token', async () => {
      expect((await send({ url: '/api/users/me' })).json()).toEqual(FORBIDDEN);
      const me = await t.request({ url: '/api/users/me', auth: alice.auth });
      expect(me.status).toBe(200);
      expect(keys(me.json())).toEqual(USER_KEYS);
      expect(me.json()).toMatchObject({ id: alice.user.id, username: 'alice', email: 'alice@example.com' });
      expect((await t.request({ url: '/api/users/me', auth: 'full' })).status).toBe(401);
    });

    it('find answers a bare array, with filters, sort and pagination; count answers a number', async () => {
      for (const auth of ['full', manager.auth]) {
        const res = await t.request({
          url: '/api/users?filters[username][$startsWith]=list-&sort=username:desc',
          auth,
        });
        expect(res.status, res.body).toBe(200);
        const users = res.json();
        expect(Array.isArray(users)).toBe(true);
        expect(users.map((u: { username: string }) => u.username)).toEqual(['list-c', 'list-b', 'list-a']);
        for (const user of users) expect(keys(user)).toEqual(USER_KEYS);
        const page = await t.request({
          url: '/api/users?filters[username][$startsWith]=list-&sort=username&pagination[start]=1&pagination[limit]=1',
          auth,
        });
        expect(page.json().map((u: { username: string }) => u.username)).toEqual(['list-b']);
        const count = await t.request({ url: '/api/users/count?filters[username][$startsWith]=list-', auth });
        expect(count.status, count.body).toBe(200);
        expect(count.body).toBe('3');
        expect(count.json()).toBe(3);
      }
      const all = (await t.request({ url: '/api/users' })).json();
      expect((await t.request({ url: '/api/users/count' })).json()).toBe(all.length);
    });

    it('findOne by numeric id; an unknown or malformed id is 404', async () => {
      const res = await t.request({ url: `/api/users/${listed[0].user.id}`, auth: manager.auth });
      expect(res.status, res.body).toBe(200);
      expect(res.json()).toEqual(listed[0].user);
      for (const id of ['999999', 'abc', listed[0].user.documentId]) {
        const missing = await t.request({ url: `/api/users/${id}` });
        expectError(missing, 404, 'NotFoundError');
      }
    });

    it('create: 201 with the bare user (default role Authenticated); duplicates are 400', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/users',
        body: { username: 'judy', email: 'Judy@Example.com', password: 'judy-pass-1' },
        auth: manager.auth,
      });
      expect(res.status, res.body).toBe(201);
      expect(keys(res.json())).toEqual(USER_KEYS);
      expect(res.json()).toMatchObject({ username: 'judy', email: 'judy@example.com', provider: 'local' });
      expect((await t.request({ url: `/api/users/${res.json().id}?populate=role` })).json().role.type).toBe(
        'authenticated',
      );
      expect((await login(t, 'judy', 'judy-pass-1')).status).toBe(200);

      const withRole = await t.request({
        method: 'POST',
        url: '/api/users',
        body: {
          username: 'ken',
          email: 'ken@example.com',
          password: 'ken-pass-1',
          role: (await role(t, 'manager')).id,
        },
      });
      expect(withRole.status, withRole.body).toBe(201);
      expect(
        (await t.request({ url: `/api/users/${withRole.json().id}?populate=role` })).json().role.type,
      ).toBe('manager');

      const dupEmail = await t.request({
        method: 'POST',
        url: '/api/users',
        body: { username: 'judy2', email: 'JUDY@example.com', password: 'judy-pass-1' },
      });
      expect(dupEmail.json(), dupEmail.body).toEqual(error(400, 'ApplicationError', 'Email already taken'));
      const dupName = await t.request({
        method: 'POST',
        url: '/api/users',
        body: { username: 'judy', email: 'judy2@example.com', password: 'judy-pass-1' },
      });
      expect(dupName.json(), dupName.body).toEqual(error(400, 'ApplicationError', 'Username already taken'));
      for (const body of [
        { username: 'lou', email: 'lou@example.com' },
        { username: 'lou', password: 'lou-pass-1' },
        { username: 'lou', email: 'lou@example.com', password: 'lou-pass-1', nope: true },
      ]) {
        expectError(await t.request({ method: 'POST', url: '/api/users', body }), 400, 'ValidationError');
      }
      expect((await t.request({ url: '/api/users/count?filters[username]=lou' })).json()).toBe(0);
    });

    it('update: 200 with the user; conflicts are 400; an unknown id is 404 "User not found"', async () => {
      const target = listed[1];
      const res = await t.request({
        method: 'PUT',
        url: `/api/users/${target.user.id}`,
        body: { username: 'list-c-renamed', password: 'list-c-new-pass' },
        auth: manager.auth,
      });
      expect(res.status, res.body).toBe(200);
      expect(keys(res.json())).toEqual(USER_KEYS);
      expect(res.json()).toMatchObject({ id: target.user.id, username: 'list-c-renamed' });
      expect((await login(t, 'list-c-renamed', 'list-c-new-pass')).status).toBe(200);
      expect((await login(t, 'list-c-renamed', 'list-c-pass')).json()).toEqual(BAD_LOGIN);

      const url = `/api/users/${target.user.id}`;
      expect((await t.request({ method: 'PUT', url, body: { username: 'alice' } })).json()).toEqual(
        error(400, 'ApplicationError', 'Username already taken'),
      );
      expect((await t.request({ method: 'PUT', url, body: { email: 'ALICE@example.com' } })).json()).toEqual(
        error(400, 'ApplicationError', 'Email already taken'),
      );
      // Its own values are not a conflict.
      expect((await t.request({ method: 'PUT', url, body: { username: 'list-c-renamed' } })).status).toBe(
        200,
      );
      for (const id of ['999999', 'abc']) {
        expect(
          (await t.request({ method: 'PUT', url: `/api/users/${id}`, body: { username: 'zz-new' } })).json(),
        ).toEqual(error(404, 'NotFoundError', 'User not found'));
      }
    });

    it('delete: 200 with the deleted user; it is gone and cannot log in', async () => {
      const target = listed[2];
      const res = await t.request({
        method: 'DELETE',
        url: `/api/users/${target.user.id}`,
        auth: manager.auth,
      });
      expect(res.status, res.body).toBe(200);
      expect(keys(res.json())).toEqual(USER_KEYS);
      expect(res.json()).toMatchObject({ id: target.user.id, username: 'list-a' });
      expectError(await t.request({ url: `/api/users/${target.user.id}` }), 404, 'NotFoundError');
      expect((await login(t, 'list-a', 'list-a-pass')).json()).toEqual(BAD_LOGIN);
      expectInvalidCredentials(await t.request({ url: '/api/users/me', auth: target.auth }));
      expectError(
        await t.request({ method: 'DELETE', url: `/api/users/${target.user.id}` }),
        404,
        'NotFoundError',
      );
    });

    it('without the user.* grants: 403 on every /api/users route; a read-only token may find and findOne', async () => {
      const routes: [RequestOptions, boolean][] = [
        [{ url: '/api/users' }, true],
        [{ url: `/api/users/${alice.user.id}` }, true],
        [{ url: '/api/users/count' }, false],
        [
          {
            method: 'POST',
            url: '/api/users',
            body: { username: 'x1', email: 'x1@example.com', password: 'x1-pass-1' },
          },
          false,
        ],
        [{ method: 'PUT', url: `/api/users/${alice.user.id}`, body: { username: 'x2' } }, false],
        [{ method: 'DELETE', url: `/api/users/${alice.user.id}` }, false],
      ];
      for (const [route, read] of routes) {
        const what = `${route.method ?? 'GET'} ${route.url}`;
        for (const auth of [alice.auth, 'none']) {
          const res = await t.request({ ...route, auth });
          expect(res.json(), `${what} as ${auth}: ${res.body}`).toEqual(FORBIDDEN);
        }
        // Read-only tokens may use the scopes ending in find or findOne (§6.5), these included.
        const res = await t.request({ ...route, auth: 'read' });
        if (read) expect(res.status, `${what} read-only: ${res.body}`).toBe(200);
        else expect(res.json(), `${what} read-only: ${res.body}`).toEqual(FORBIDDEN);
      }
      expect((await login(t, 'alice', 'alice-pass-1')).status).toBe(200);
    });

    it('/api/users/me populates with the caller’s rights: no other users through its role', async () => {
      const res = await t.request({
        url: '/api/users/me?populate[role][populate][users]=true',
        auth: alice.auth,
      });
      expect(res.status, res.body).toBe(200);
      expect(keys(res.json())).toEqual(USER_KEYS);
      expect(res.body).not.toContain('bob@example.com');
    });
  });

  it('OAuth providers are disabled: 400 "This provider is disabled"', async () => {
    for (const url of ['/api/connect/github', '/api/connect/google', '/api/auth/github/callback']) {
      expect((await send({ url })).json(), url).toEqual(
        error(400, 'ApplicationError', 'This provider is disabled'),
      );
    }
  });
});

describeEachDatabase('Users & Permissions: registration disabled', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startNodeWithPermissions({
      kind,
      permissions: { roles: {} },
      config: { usersPermissions: { register: { enabled: false } } },
    });
  });
  afterAll(() => t?.close());

  it('register is 400 "Register action is currently disabled"; other routes still work', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/auth/local/register',
      body: { username: 'nina', email: 'nina@example.com', password: 'nina-pass-1' },
      auth: 'none',
    });
    expect(res.json(), res.body).toEqual(
      error(400, 'ApplicationError', 'Register action is currently disabled'),
    );
    expect((await t.request({ url: '/api/users/count' })).json()).toBe(0);
    const created = await t.request({
      method: 'POST',
      url: '/api/users',
      body: { username: 'nina', email: 'nina@example.com', password: 'nina-pass-1' },
    });
    expect(created.status, created.body).toBe(201);
    expect((await login(t, 'nina@example.com', 'nina-pass-1')).status).toBe(200);
  });
});

describeEachDatabase('Users & Permissions: email confirmation', (kind) => {
  let t: TestNode;
  let mailDir: string;
  const REDIRECT = 'https://app.example/confirmed';
  const PUBLIC_URL = 'https://cms.example';

  beforeAll(async () => {
    mailDir = tempMailDir();
    t = await startNodeWithPermissions({
      kind,
      permissions: { roles: {} },
      config: {
        // Confirmation links point at server.url (a node requiring confirmation needs it to start).
        server: { url: PUBLIC_URL },
        usersPermissions: { emailConfirmation: true, emailConfirmationRedirect: REDIRECT },
        email: { provider: 'file', dir: mailDir },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(mailDir, { recursive: true, force: true });
  });

  const post = (url: string, body: unknown) => t.request({ method: 'POST', url, body, auth: 'none' });
  // Emails are sent by the node's email worker after the request answered: wait for it before reading.
  const mails = async () => {
    await emailsSent(t);
    return readMails(mailDir);
  };
  const lastMail = async (address: string, param: string) => {
    await emailsSent(t);
    return lastMailTo(mailDir, address, param);
  };
  const confirmationPath = (code: string) => `/api/auth/email-confirmation?confirmation=${code}`;

  it('register answers { user } without a JWT; login waits for the confirmation link', async () => {
    const res = await post('/api/auth/local/register', {
      username: 'olga',
      email: 'Olga@Example.com',
      password: 'olga-pass-1',
    });
    expect(res.status, res.body).toBe(200);
    expect(keys(res.json())).toEqual(['user']);
    expect(keys(res.json().user)).toEqual(USER_KEYS);
    expect(res.json().user.confirmed).toBe(false);
    const userId = res.json().user.id;

    expect((await login(t, 'olga', 'olga-pass-1')).json()).toEqual(
      error(400, 'ApplicationError', 'Your account email is not confirmed'),
    );
    // A wrong password is still just a wrong password.
    expect((await login(t, 'olga', 'olga-pass-2')).json()).toEqual(BAD_LOGIN);

    const { mail, code } = await lastMail('olga@example.com', 'confirmation');
    expect(mail.text).toContain(`${PUBLIC_URL}${confirmationPath(code)}`);
    expect(mail.text).not.toContain('olga-pass-1');

    for (const wrong of ['nope', `${code}x`, '']) {
      const bad = await t.request({ url: confirmationPath(wrong), auth: 'none' });
      expectError(bad, 400, 'ValidationError');
    }
    expectError(
      await t.request({ url: '/api/auth/email-confirmation', auth: 'none' }),
      400,
      'ValidationError',
    );

    const confirmed = await t.request({ url: confirmationPath(code), auth: 'none' });
    expect(confirmed.status, confirmed.body).toBe(302);
    expect(confirmed.headers.location).toBe(REDIRECT);
    const signedIn = await login(t, 'olga@example.com', 'olga-pass-1');
    expect(signedIn.status, signedIn.body).toBe(200);
    expect(signedIn.json().user.confirmed).toBe(true);
    expect((await t.request({ url: '/api/users/me', auth: bearer(signedIn.json().jwt) })).status).toBe(200);
    expect((await t.request({ url: `/api/users/${userId}` })).json().confirmed).toBe(true);
    // The link works once.
    expect((await t.request({ url: confirmationPath(code), auth: 'none' })).json()).toEqual(
      error(400, 'ValidationError', 'Invalid token'),
    );
  });

  it('a JWT of an unconfirmed user is refused; once confirmed, the user’s JWT works at once', async () => {
    const res = await post('/api/auth/local/register', {
      username: 'rosa',
      email: 'rosa@example.com',
      password: 'rosa-pass-1',
    });
    expect(res.status, res.body).toBe(200);
    // Nobody gets a JWT before confirming; one signed with the node's key stands for a leaked or old one.
    const jwt = await signedJwt(t, res.json().user.id);
    expectInvalidCredentials(await t.request({ url: '/api/users/me', auth: bearer(jwt) }));
    const { code } = await lastMail('rosa@example.com', 'confirmation');
    expect((await t.request({ url: confirmationPath(code), auth: 'none' })).status).toBe(302);
    const signedIn = await login(t, 'rosa', 'rosa-pass-1');
    expect(signedIn.status, signedIn.body).toBe(200);
    // The node that confirmed the user must not keep refusing it from its cache.
    const me = await t.request({ url: '/api/users/me', auth: bearer(signedIn.json().jwt) });
    expect(me.status, me.body).toBe(200);
  });

  it('send-email-confirmation: a new link for an unconfirmed user; "Already confirmed"; unknown addresses look the same', async () => {
    const reg = await post('/api/auth/local/register', {
      username: 'pavel',
      email: 'pavel@example.com',
      password: 'pavel-pass-1',
    });
    expect(reg.status, reg.body).toBe(200);
    const first = (await lastMail('pavel@example.com', 'confirmation')).code;
    const before = (await mails()).length;

    const again = await post('/api/auth/send-email-confirmation', { email: 'pavel@example.com' });
    expect(again.status, again.body).toBe(200);
    expect(again.json()).toEqual({ email: 'pavel@example.com', sent: true });
    expect((await mails()).length).toBe(before + 1);
    const { code } = await lastMail('pavel@example.com', 'confirmation');
    expect(code).not.toBe(first);

    const unknown = await post('/api/auth/send-email-confirmation', { email: 'nobody@example.com' });
    expect(unknown.json()).toEqual({ email: 'nobody@example.com', sent: true });
    expect((await mails()).length).toBe(before + 1);
    expectError(
      await post('/api/auth/send-email-confirmation', { email: 'not-an-email' }),
      400,
      'ValidationError',
    );

    expect((await t.request({ url: confirmationPath(code), auth: 'none' })).status).toBe(302);
    expect((await post('/api/auth/send-email-confirmation', { email: 'pavel@example.com' })).json()).toEqual(
      error(400, 'ApplicationError', 'Already confirmed'),
    );
    expect((await login(t, 'pavel', 'pavel-pass-1')).status).toBe(200);
  });

  it('a blocked, unconfirmed user gets no new link: "User blocked"', async () => {
    const reg = await post('/api/auth/local/register', {
      username: 'quinn',
      email: 'quinn@example.com',
      password: 'quinn-pass-1',
    });
    await updateUser(t, reg.json().user.id, { blocked: true });
    const before = (await mails()).length;
    expect((await post('/api/auth/send-email-confirmation', { email: 'quinn@example.com' })).json()).toEqual(
      error(400, 'ApplicationError', 'User blocked'),
    );
    expect((await mails()).length).toBe(before);
  });
});
