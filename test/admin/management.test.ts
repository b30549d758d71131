import { afterAll, beforeAll, expect, it } from 'vitest';
import { AdminAbility, contentAccess } from '../../src/accounts/ability.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import {
  adminWithRoles,
  expectError,
  expectNoSecrets,
  registerFirstAdmin,
  roleId,
  type AdminSession,
} from './helpers.js';

describeEachDatabase('admin API: admin users, roles and who may manage them', (kind) => {
  let t: TestNode;
  let root: AdminSession;
  let editor: AdminSession;
  let author: AdminSession;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
    root = await registerFirstAdmin(t);
    editor = await adminWithRoles(t, root, 'editor@example.com', ['strapi-editor']);
    author = await adminWithRoles(t, root, 'author@example.com', ['strapi-author']);
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, auth: string, body?: unknown) =>
    t.request({ method, url: `/admin/api${url}`, auth, body });

  it('creates, lists, searches, reads, updates and deletes admin users', async () => {
    const editorRole = await roleId(t, root, 'strapi-editor');
    const created = await call('POST', '/users', root.auth, {
      email: 'New.Person@Example.com',
      password: 'newperson1',
      firstname: 'New',
      lastname: 'Person',
      roles: [editorRole],
    });
    expect(created.status, created.body).toBe(201);
    const user = created.json().data;
    expect(user).toMatchObject({
      email: 'new.person@example.com',
      firstname: 'New',
      lastname: 'Person',
      isActive: true,
      blocked: false,
      roles: [{ id: editorRole, code: 'strapi-editor', name: 'Editor' }],
    });
    expectNoSecrets(created, 'newperson1');

    const list = await call('GET', '/users?page=1&pageSize=2', root.auth);
    expect(list.status).toBe(200);
    expect(list.json().data.results).toHaveLength(2);
    expect(list.json().data.pagination).toEqual({ page: 1, pageSize: 2, pageCount: 2, total: 4 });
    const search = await call('GET', '/users?_q=PERSON', root.auth);
    expect(search.json().data.results.map((u: { id: number }) => u.id)).toEqual([user.id]);
    expect((await call('GET', '/users?_q=%25', root.auth)).json().data.results).toEqual([]);
    expectNoSecrets(list);

    expect((await call('GET', `/users/${user.id}`, root.auth)).json().data.email).toBe(
      'new.person@example.com',
    );
    const updated = await call('PUT', `/users/${user.id}`, root.auth, {
      lastname: 'Renamed',
      roles: [await roleId(t, root, 'strapi-author')],
    });
    expect(updated.status, updated.body).toBe(200);
    expect(updated.json().data).toMatchObject({ lastname: 'Renamed', roles: [{ code: 'strapi-author' }] });

    const removed = await call('DELETE', `/users/${user.id}`, root.auth);
    expect(removed.status).toBe(200);
    expect(removed.json().data.id).toBe(user.id);
    expectError(await call('GET', `/users/${user.id}`, root.auth), 404, 'NotFoundError');
  });

  it('answers 4xx to every wrong admin-user request', async () => {
    const editorRole = await roleId(t, root, 'strapi-editor');
    const valid = { email: 'x@example.com', password: 'validpass1', roles: [editorRole] };
    expectError(
      await call('POST', '/users', root.auth, { ...valid, email: 'EDITOR@example.com' }),
      400,
      'ValidationError',
    );
    expectError(await call('POST', '/users', root.auth, { ...valid, roles: [] }), 400);
    expectError(await call('POST', '/users', root.auth, { ...valid, roles: [99999] }), 400);
    expectError(await call('POST', '/users', root.auth, { ...valid, roles: ['1'] }), 400);
    expectError(await call('POST', '/users', root.auth, { ...valid, password: 'password' }), 400);
    expectError(await call('POST', '/users', root.auth, { ...valid, email: 'nope' }), 400);
    expectError(await call('POST', '/users', root.auth, { ...valid, blocked: 'yes' }), 400);
    expectError(await call('POST', '/users', root.auth, { ...valid, email: 'x'.repeat(300) }), 400);
    expectError(await call('GET', '/users?page=0', root.auth), 400);
    expectError(await call('GET', '/users?pageSize=1000', root.auth), 400);
    expectError(await call('GET', '/users?page[x]=1', root.auth), 400);
    expectError(await call('GET', '/users/abc', root.auth), 404);
    expectError(await call('GET', '/users/99999999999', root.auth), 404);
    expectError(await call('PUT', '/users/424242', root.auth, { firstname: 'x' }), 404);
    expectError(await call('DELETE', '/users/424242', root.auth), 404);
    expectError(
      await call('PUT', `/users/${editor.user.id}`, root.auth, { email: 'author@example.com' }),
      400,
    );
  });

  it('keeps at least one active super admin', async () => {
    const superRole = await roleId(t, root, 'strapi-super-admin');
    const editorRole = await roleId(t, root, 'strapi-editor');
    for (const body of [{ blocked: true }, { isActive: false }, { roles: [editorRole] }]) {
      const response = await call('PUT', `/users/${root.user.id}`, root.auth, body);
      expectError(response, 400, 'ValidationError');
      expect(response.json().error.message).toBe('At least one active super admin must remain');
    }
    expectError(await call('DELETE', `/users/${root.user.id}`, root.auth), 400);
    // With a second super admin, the first may go.
    const second = await adminWithRoles(t, root, 'second-root@example.com', ['strapi-super-admin']);
    expect(second.user.roles.map((r) => r.id)).toEqual([superRole]);
    const demote = await call('PUT', `/users/${second.user.id}`, root.auth, { roles: [editorRole] });
    expect(demote.status, demote.body).toBe(200);
  });

  it('lists roles, reads and changes a role’s permissions; custom roles come and go', async () => {
    const authorRole = await roleId(t, root, 'strapi-author');
    const role = await call('GET', `/roles/${authorRole}`, root.auth);
    expect(role.json().data).toMatchObject({ code: 'strapi-author', name: 'Author' });

    const created = await call('POST', '/roles', root.auth, {
      name: 'Token keeper',
      description: 'Reads tokens',
    });
    expect(created.status, created.body).toBe(201);
    const custom = created.json().data;
    expect(custom).toMatchObject({ code: 'token-keeper', name: 'Token keeper', usersCount: 0 });
    expectError(await call('POST', '/roles', root.auth, { name: 'Token keeper' }), 400);
    const renamed = await call('PUT', `/roles/${custom.id}`, root.auth, { description: 'Reads API tokens' });
    expect(renamed.json().data.description).toBe('Reads API tokens');

    const set = await call('PUT', `/roles/${custom.id}/permissions`, root.auth, {
      permissions: [
        { action: 'admin::api-tokens.read' },
        {
          action: 'plugin::content-manager.explorer.read',
          subject: 'api::article.article',
          conditions: ['admin::is-creator'],
        },
      ],
    });
    expect(set.status, set.body).toBe(200);
    expect(set.json().data).toHaveLength(2);
    expect((await call('GET', `/roles/${custom.id}/permissions`, root.auth)).json().data).toMatchObject([
      { action: 'admin::api-tokens.read', subject: null, conditions: [] },
      {
        action: 'plugin::content-manager.explorer.read',
        subject: 'api::article.article',
        conditions: ['admin::is-creator'],
      },
    ]);

    const keeper = await adminWithRoles(t, root, 'keeper@example.com', ['token-keeper']);
    expect((await call('GET', '/api-tokens', keeper.auth)).status).toBe(200);
    expectError(await call('POST', '/api-tokens', keeper.auth, { name: 'k', type: 'read-only' }), 403);
    expectError(await call('DELETE', `/roles/${custom.id}`, root.auth), 400);
    await call('PUT', `/users/${keeper.user.id}`, root.auth, { roles: [authorRole] });
    expect((await call('DELETE', `/roles/${custom.id}`, root.auth)).status).toBe(200);
    expectError(await call('GET', `/roles/${custom.id}`, root.auth), 404);
  });

  it('refuses invalid role and permission changes', async () => {
    const superRole = await roleId(t, root, 'strapi-super-admin');
    const editorRole = await roleId(t, root, 'strapi-editor');
    const put = (id: number, permissions: unknown) =>
      call('PUT', `/roles/${id}/permissions`, root.auth, { permissions });
    expectError(await put(superRole, []), 400);
    expectError(await put(editorRole, [{ action: 'admin::everything' }]), 400);
    expectError(
      await put(editorRole, [{ action: 'admin::users.read', subject: 'api::article.article' }]),
      400,
    );
    expectError(
      await put(editorRole, [{ action: 'admin::users.read', conditions: ['admin::is-creator'] }]),
      400,
    );
    expectError(
      await put(editorRole, [{ action: 'plugin::content-manager.explorer.read', subject: 'api::nope.nope' }]),
      400,
    );
    expectError(
      await put(editorRole, [
        { action: 'plugin::content-manager.explorer.read', conditions: ['admin::magic'] },
      ]),
      400,
    );
    expectError(await put(editorRole, 'all'), 400);
    expectError(await put(99999, []), 404);
    expectError(await call('DELETE', `/roles/${editorRole}`, root.auth), 400);
    expectError(await call('POST', '/roles', root.auth, {}), 400);
    expectError(await call('POST', '/roles', root.auth, { name: '' }), 400);
    expectError(await call('PUT', '/roles/abc', root.auth, { name: 'x' }), 404);
  });

  it('limits editors and authors to content: no users, roles, tokens or end users', async () => {
    for (const session of [editor, author]) {
      expect((await call('GET', '/users/me', session.auth)).status).toBe(200);
      expect((await call('GET', '/permissions', session.auth)).status).toBe(200);
      for (const [method, url, body] of [
        ['GET', '/users'],
        ['GET', `/users/${root.user.id}`],
        ['POST', '/users', { email: 'z@example.com', password: 'zzzzzzzz1', roles: [1] }],
        ['PUT', `/users/${root.user.id}`, { firstname: 'x' }],
        ['DELETE', `/users/${root.user.id}`],
        ['GET', '/roles'],
        ['PUT', '/roles/1/permissions', { permissions: [] }],
        ['GET', '/api-tokens'],
        ['POST', '/api-tokens', { name: 'nope', type: 'full-access' }],
        ['GET', '/users-permissions/roles'],
        ['POST', '/users-permissions/roles', { name: 'nope' }],
        ['GET', '/end-users'],
        ['PUT', '/end-users/1', { blocked: true }],
      ] as const) {
        expectError(await call(method, url, session.auth, body), 403, 'ForbiddenError');
      }
    }
    // Authors' content permissions are limited to what they created; their media ones (read, upload) are not.
    const mine = await call('GET', '/users/me/permissions', author.auth);
    const permissions: { action: string; conditions: string[] }[] = mine.json().data;
    const content = permissions.filter((p) => p.action.startsWith('plugin::content-manager.'));
    expect(content.length).toBeGreaterThan(0);
    expect(content.every((p) => p.conditions.join() === 'admin::is-creator')).toBe(true);
    expect(permissions.filter((p) => p.action.startsWith('plugin::upload.')).map((p) => p.action)).toEqual([
      'plugin::upload.read',
      'plugin::upload.assets.create',
    ]);
  });
});

it('admin abilities: editors reach every app type, authors only what they created, super admins everything', () => {
  const content = (conditions: string[] = []) =>
    ['create', 'read', 'update', 'delete', 'publish'].map((verb) => ({
      action: `plugin::content-manager.explorer.${verb}`,
      subject: null,
      conditions,
    }));
  const editor = new AdminAbility(false, content());
  const author = new AdminAbility(false, content(['admin::is-creator']));
  const superAdmin = new AdminAbility(true, []);
  const read = 'plugin::content-manager.explorer.read';
  expect(contentAccess(editor, 7, read, 'api::article.article')).toEqual({ allowed: true });
  expect(contentAccess(author, 7, read, 'api::article.article')).toEqual({ allowed: true, createdBy: 7 });
  expect(contentAccess(superAdmin, 7, read, 'api::article.article')).toEqual({ allowed: true });
  // End users are not "content" for a null subject: they need their own grant.
  expect(editor.can(read, 'plugin::users-permissions.user')).toBe(false);
  expect(superAdmin.can(read, 'plugin::users-permissions.user')).toBe(true);
  expect(editor.can('admin::users.read')).toBe(false);
  const unknown = new AdminAbility(false, [{ action: read, subject: null, conditions: ['admin::magic'] }]);
  expect(contentAccess(unknown, 7, read, 'api::article.article')).toEqual({ allowed: false });
});
