import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { expectError, expectNoSecrets, registerFirstAdmin, type AdminSession } from './helpers.js';

interface RoleRow {
  id: number;
  documentId: string;
  type: string;
  name: string;
  nb_users: number;
}

describeEachDatabase('admin API: end-user roles, permissions and end users', (kind) => {
  let t: TestNode;
  let root: AdminSession;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
    root = await registerFirstAdmin(t);
    for (const [title, featured] of [
      ['Featured', true],
      ['Plain', false],
    ] as const) {
      const created = await t.request({
        method: 'POST',
        url: '/api/articles',
        body: { data: { title, featured } },
      });
      expect(created.status, created.body).toBe(201);
    }
  });
  afterAll(() => t.close());

  const admin = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
    t.request({ method, url: `/admin/api${url}`, auth: root.auth, body });
  const roles = async (): Promise<RoleRow[]> => (await admin('GET', '/users-permissions/roles')).json().data;
  const roleOf = async (type: string) => (await roles()).find((r) => r.type === type)!;
  const register = async (username: string) => {
    const response = await t.request({
      method: 'POST',
      url: '/api/auth/local/register',
      body: { username, email: `${username}@example.com`, password: 'secret123' },
      auth: 'none',
    });
    expect(response.status, response.body).toBe(200);
    return response.json() as { jwt: string; user: { id: number } };
  };

  it('lists the end-user roles and the actions they may be granted', async () => {
    const list = await roles();
    expect(list.map((r) => r.type).sort()).toEqual(['authenticated', 'public']);
    const actions = (await admin('GET', '/users-permissions/permissions')).json().data;
    expect(actions).toContain('api::article.article.find');
    expect(actions).toContain('plugin::users-permissions.auth.register');
    const pub = await admin('GET', `/users-permissions/roles/${(await roleOf('public')).id}`);
    expect(pub.status).toBe(200);
    expect(pub.json().data.permissions.map((p: { action: string }) => p.action)).toContain(
      'plugin::users-permissions.auth.register',
    );
  });

  it('applies a permission change to the content API at once, on this node', async () => {
    expectError(await t.request({ url: '/api/articles', auth: 'none' }), 403);
    const pub = await roleOf('public');
    const current = (await admin('GET', `/users-permissions/roles/${pub.id}`)).json().data.permissions;
    const actions = current.map((p: { action: string }) => p.action);
    const granted = await admin('PUT', `/users-permissions/roles/${pub.documentId}`, {
      permissions: [...actions, 'api::article.article.find'],
    });
    expect(granted.status, granted.body).toBe(200);
    expect((await t.request({ url: '/api/articles', auth: 'none' })).status).toBe(200);
    await admin('PUT', `/users-permissions/roles/${pub.id}`, { permissions: actions });
    expectError(await t.request({ url: '/api/articles', auth: 'none' }), 403);
    // Registration (a default Public grant) still works.
    await register('stillopen');
  });

  it('creates a role whose grant has conditions, compiled into the content API’s queries', async () => {
    const created = await admin('POST', '/users-permissions/roles', {
      name: 'Featured readers',
      description: 'See featured articles only',
      permissions: [
        { action: 'api::article.article.find', conditions: { featured: { $eq: true } } },
        'plugin::users-permissions.user.me',
      ],
    });
    expect(created.status, created.body).toBe(201);
    const role = created.json().data;
    expect(role).toMatchObject({ name: 'Featured readers', type: 'featured_readers', nb_users: 0 });
    expect(role.permissions).toMatchObject([
      { action: 'api::article.article.find', conditions: { featured: { $eq: true } } },
      { action: 'plugin::users-permissions.user.me', conditions: null },
    ]);

    const reader = await register('reader');
    const moved = await admin('PUT', `/end-users/${reader.user.id}`, { role: role.id });
    expect(moved.status, moved.body).toBe(200);
    expect(moved.json().data.role).toMatchObject({ name: 'Featured readers', type: 'featured_readers' });
    const seen = await t.request({ url: '/api/articles', auth: `Bearer ${reader.jwt}` });
    expect(seen.status, seen.body).toBe(200);
    expect(seen.json().data.map((a: { title: string }) => a.title)).toEqual(['Featured']);
    expect(seen.json().meta.pagination.total).toBe(1);

    // Deleting the role moves its users to Authenticated.
    const removed = await admin('DELETE', `/users-permissions/roles/${role.id}`);
    expect(removed.status, removed.body).toBe(200);
    const user = (await admin('GET', `/end-users/${reader.user.id}`)).json().data;
    expect(user.role.type).toBe('authenticated');
    expectError(await admin('GET', `/users-permissions/roles/${role.id}`), 404);
  });

  it('answers 4xx to wrong end-user role requests', async () => {
    const post = (body: unknown) => admin('POST', '/users-permissions/roles', body);
    expectError(await post({ name: 'Bad', permissions: ['api::nope.nope.find'] }), 400, 'ValidationError');
    expectError(
      await post({
        name: 'Bad',
        permissions: [{ action: 'api::article.article.find', conditions: { nope: 1 } }],
      }),
      400,
    );
    expectError(
      await post({
        name: 'Bad',
        permissions: [{ action: 'plugin::users-permissions.user.me', conditions: { id: 1 } }],
      }),
      400,
    );
    expectError(await post({ name: 'Public' }), 400);
    expectError(await post({ name: 'Authenticated', type: 'authenticated' }), 400);
    expectError(await post({ name: 'x' }), 400);
    expectError(await post({ permissions: [] }), 400);
    expectError(await post({ name: 'Typed', type: 'Bad Type' }), 400);
    expectError(await post({ name: 'Bad', permissions: 'all' }), 400);
    const pub = await roleOf('public');
    const auth = await roleOf('authenticated');
    expectError(await admin('DELETE', `/users-permissions/roles/${pub.id}`), 400);
    expectError(await admin('DELETE', `/users-permissions/roles/${auth.id}`), 400);
    expectError(await admin('GET', '/users-permissions/roles/999999'), 404);
    expectError(await admin('GET', '/users-permissions/roles/99999999999999'), 404);
    expectError(await admin('PUT', '/users-permissions/roles/no-such-role', { name: 'x' }), 404);
    expectError(await admin('PUT', `/users-permissions/roles/${pub.id}`, { type: 'x' }), 400);
  });

  it('answers 400, not 500, to conditions that use a $user variable as a field name', async () => {
    // Variables are values (`{ "author": { "id": "$user.id" } }`); as a key, "$user.id" is an unknown field.
    for (const conditions of [{ '$user.id': 1 }, { $or: [{ '$user.id': { $eq: 1 } }] }]) {
      const response = await admin('POST', '/users-permissions/roles', {
        name: 'Bad',
        permissions: [{ action: 'api::article.article.find', conditions }],
      });
      expectError(response, 400, 'ValidationError');
      expect(response.json().error.details.errors[0].path).toEqual(['permissions', 0, 'conditions']);
    }
    // The variable as a value is still accepted.
    const created = await admin('POST', '/users-permissions/roles', {
      name: 'Self readers',
      permissions: [
        { action: 'plugin::users-permissions.user.me' },
        { action: 'api::article.article.find', conditions: { id: { $eq: '$user.id' } } },
      ],
    });
    expect(created.status, created.body).toBe(201);
    await admin('DELETE', `/users-permissions/roles/${created.json().data.id}`);
  });

  it('lists and searches end users, and blocking one makes their JWT 401 at once', async () => {
    const blocked = await register('blockme');
    const list = await admin('GET', '/end-users?page=1&pageSize=2');
    expect(list.status, list.body).toBe(200);
    const { results, pagination } = list.json().data;
    expect(results).toHaveLength(2);
    expect(pagination).toMatchObject({ page: 1, pageSize: 2 });
    expect(pagination.total).toBeGreaterThanOrEqual(3);
    expectNoSecrets(list, 'secret123');
    const found = (await admin('GET', '/end-users?_q=BLOCKME')).json().data.results;
    expect(found.map((u: { username: string }) => u.username)).toEqual(['blockme']);
    expect(found[0].role).toMatchObject({ type: 'authenticated' });

    const me = () => t.request({ url: '/api/users/me', auth: `Bearer ${blocked.jwt}` });
    expect((await me()).status).toBe(200);
    const block = await admin('PUT', `/end-users/${blocked.user.id}`, { blocked: true });
    expect(block.status, block.body).toBe(200);
    expect(block.json().data.blocked).toBe(true);
    expectError(await me(), 401);
    await admin('PUT', `/end-users/${blocked.user.id}`, { blocked: false });
    expect((await me()).status).toBe(200);

    expectError(await admin('PUT', `/end-users/${blocked.user.id}`, { blocked: 'yes' }), 400);
    expectError(await admin('PUT', `/end-users/${blocked.user.id}`, { role: 999999 }), 400);
    expectError(await admin('PUT', `/end-users/${blocked.user.id}`, { password: 'x' }), 400);
    expectError(await admin('PUT', '/end-users/999999', { blocked: true }), 404);
    expectError(await admin('GET', '/end-users/abc'), 404);
    expectError(await admin('GET', '/end-users?pageSize=0'), 400);
    expectError(await admin('GET', '/end-users?_q[$ne]=1'), 400);
  });

  it('serves Strapi’s content-API role routes in Strapi’s shapes', async () => {
    const list = await t.request({ url: '/api/users-permissions/roles' });
    expect(list.status, list.body).toBe(200);
    const strapiRoles = list.json().roles;
    expect(strapiRoles.map((r: { type: string }) => r.type).sort()).toEqual(['authenticated', 'public']);
    expect(strapiRoles[0]).toHaveProperty('nb_users');
    const auth = strapiRoles.find((r: { type: string }) => r.type === 'authenticated');
    expect(auth.nb_users).toBeGreaterThanOrEqual(2);

    const created = await t.request({
      method: 'POST',
      url: '/api/users-permissions/roles',
      body: {
        name: 'Writers',
        description: 'Write articles',
        permissions: {
          'api::article': {
            controllers: { article: { find: { enabled: true }, create: { enabled: true } } },
          },
        },
        users: [],
      },
    });
    expect(created.status, created.body).toBe(200);
    expect(created.json()).toEqual({ ok: true });
    const writers = (await t.request({ url: '/api/users-permissions/roles' }))
      .json()
      .roles.find((r: { name: string }) => r.name === 'Writers');
    expect(writers.type).toBe('writers');
    const one = await t.request({ url: `/api/users-permissions/roles/${writers.id}` });
    expect(one.status).toBe(200);
    const { role } = one.json();
    expect(role).toMatchObject({ name: 'Writers', type: 'writers' });
    expect(role.permissions['api::article'].controllers.article).toMatchObject({
      find: { enabled: true, policy: '' },
      create: { enabled: true, policy: '' },
      delete: { enabled: false, policy: '' },
    });

    const updated = await t.request({
      method: 'PUT',
      url: `/api/users-permissions/roles/${writers.id}`,
      body: {
        name: 'Writers',
        permissions: { 'api::article': { controllers: { article: { find: { enabled: true } } } } },
      },
    });
    expect(updated.json()).toEqual({ ok: true });
    const after = (await t.request({ url: `/api/users-permissions/roles/${writers.id}` })).json().role;
    expect(after.permissions['api::article'].controllers.article.create.enabled).toBe(false);
    // Without `permissions`, an update keeps the grants.
    await t.request({
      method: 'PUT',
      url: `/api/users-permissions/roles/${writers.id}`,
      body: { description: 'x' },
    });
    const kept = (await t.request({ url: `/api/users-permissions/roles/${writers.id}` })).json().role;
    expect(kept.permissions['api::article'].controllers.article.find.enabled).toBe(true);
    expect(kept.description).toBe('x');

    const deleted = await t.request({ method: 'DELETE', url: `/api/users-permissions/roles/${writers.id}` });
    expect(deleted.json()).toEqual({ ok: true });
    expectError(await t.request({ url: `/api/users-permissions/roles/${writers.id}` }), 404);

    const catalogue = await t.request({ url: '/api/users-permissions/permissions' });
    expect(catalogue.status).toBe(200);
    expect(catalogue.json().permissions['api::article'].controllers.article.find.enabled).toBe(true);
  });

  it('guards the content-API role routes with the role actions and answers 4xx', async () => {
    // The Public role holds no role action: 403, as for any content route it may not use.
    expectError(await t.request({ url: '/api/users-permissions/roles', auth: 'none' }), 403);
    const user = await register('nosy');
    expectError(await t.request({ url: '/api/users-permissions/roles', auth: `Bearer ${user.jwt}` }), 403);
    expectError(await t.request({ url: '/api/users-permissions/roles', auth: 'Bearer nope' }), 401);
    expectError(
      await t.request({ method: 'POST', url: '/api/users-permissions/roles', body: {} }),
      400,
      'ValidationError',
    );
    expectError(
      await t.request({ method: 'POST', url: '/api/users-permissions/roles', body: { name: 42 } }),
      400,
    );
    expectError(
      await t.request({
        method: 'POST',
        url: '/api/users-permissions/roles',
        body: { name: 'Bad tree', permissions: { 'api::article': 'all' } },
      }),
      400,
    );
    expectError(
      await t.request({
        method: 'POST',
        url: '/api/users-permissions/roles',
        body: {
          name: 'Bad action',
          permissions: { 'api::nope': { controllers: { nope: { find: { enabled: true } } } } },
        },
      }),
      400,
    );
    const pub = await roleOf('public');
    const refused = await t.request({ method: 'DELETE', url: `/api/users-permissions/roles/${pub.id}` });
    expectError(refused, 400, 'ApplicationError');
    expect(refused.json().error.message).toBe('Cannot delete public role');
    expectError(
      await t.request({ method: 'PUT', url: '/api/users-permissions/roles/999999', body: { name: 'x' } }),
      404,
    );
  });
});
