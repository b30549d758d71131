import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { expectError, expectNoSecrets, registerFirstAdmin, type AdminSession } from './helpers.js';

describeEachDatabase('admin API: API tokens', (kind) => {
  let t: TestNode;
  let root: AdminSession;
  let articleId: string;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
    root = await registerFirstAdmin(t);
    const article = await t.request({
      method: 'POST',
      url: '/api/articles',
      body: { data: { title: 'Hello' } },
    });
    expect(article.status, article.body).toBe(201);
    articleId = article.json().data.documentId;
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
    t.request({ method, url: `/admin/api/api-tokens${url}`, auth: root.auth, body });
  const api = (key: string, method: 'GET' | 'POST' = 'GET', url = '/api/articles', body?: unknown) =>
    t.request({ method, url, auth: `Bearer ${key}`, body });

  it('creates tokens of each type; the secret is shown once', async () => {
    const created = await call('POST', '', { name: 'site', description: 'Website', type: 'read-only' });
    expect(created.status, created.body).toBe(201);
    const token = created.json().data;
    expect(token).toMatchObject({
      name: 'site',
      description: 'Website',
      type: 'read-only',
      permissions: [],
      lifespan: null,
      expiresAt: null,
    });
    expect(token.accessKey).toMatch(/^[0-9a-f]{96}$/);
    expect((await api(token.accessKey)).status).toBe(200);
    expectError(await api(token.accessKey, 'POST', '/api/articles', { data: { title: 'No' } }), 403);

    const list = await call('GET', '');
    expect(list.status).toBe(200);
    expect(list.json().data.map((x: { name: string }) => x.name)).toContain('site');
    expectNoSecrets(list, token.accessKey);
    const one = await call('GET', `/${token.id}`);
    expect(one.json().data).not.toHaveProperty('accessKey');
    expectNoSecrets(one, token.accessKey);

    const full = (await call('POST', '', { name: 'ci', type: 'full-access' })).json().data;
    expect((await api(full.accessKey, 'POST', '/api/articles', { data: { title: 'Yes' } })).status).toBe(201);
  });

  it('gives a custom token exactly its listed actions', async () => {
    const created = await call('POST', '', {
      name: 'finder',
      type: 'custom',
      permissions: ['api::article.article.find'],
    });
    expect(created.status, created.body).toBe(201);
    const { accessKey, id } = created.json().data;
    expect((await api(accessKey)).status).toBe(200);
    expectError(await api(accessKey, 'GET', `/api/articles/${articleId}`), 403, 'ForbiddenError');
    expectError(await api(accessKey, 'POST', '/api/articles', { data: { title: 'x' } }), 403);
    expectError(await api(accessKey, 'GET', '/api/tags'), 403);

    // Changing its permissions applies at once on this node.
    const updated = await call('PUT', `/${id}`, {
      permissions: ['api::article.article.find', 'api::article.article.findOne'],
      description: 'Reads articles',
    });
    expect(updated.status, updated.body).toBe(200);
    expect(updated.json().data).toMatchObject({ type: 'custom', description: 'Reads articles' });
    expect((await api(accessKey, 'GET', `/api/articles/${articleId}`)).status).toBe(200);

    // The content API reports the token's own rights in Strapi's shape (when it may ask).
    expectError(await api(accessKey, 'GET', '/api/users-permissions/permissions'), 403);
    await call('PUT', `/${id}`, {
      permissions: ['api::article.article.find', 'plugin::users-permissions.permissions.getPermissions'],
    });
    const own = await api(accessKey, 'GET', '/api/users-permissions/permissions');
    expect(own.status, own.body).toBe(200);
    const tree = own.json().permissions;
    expect(tree['api::article'].controllers.article.find).toEqual({ enabled: true, policy: '' });
    expect(tree['api::article'].controllers.article.findOne).toEqual({ enabled: false, policy: '' });
    expect(tree['plugin::users-permissions'].controllers.permissions.getPermissions.enabled).toBe(true);
    expect(Object.keys(tree['api::homepage'].controllers.homepage)).toEqual(['find', 'update', 'delete']);
  });

  it('regenerates and deletes tokens', async () => {
    const { id, accessKey } = (await call('POST', '', { name: 'rotate-me', type: 'read-only' })).json().data;
    expect((await api(accessKey)).status).toBe(200);
    const regenerated = await call('POST', `/${id}/regenerate`);
    expect(regenerated.status, regenerated.body).toBe(200);
    const fresh = regenerated.json().data.accessKey;
    expect(fresh).not.toBe(accessKey);
    expectError(await api(accessKey), 401);
    expect((await api(fresh)).status).toBe(200);

    const removed = await call('DELETE', `/${id}`);
    expect(removed.status).toBe(200);
    expect(removed.json().data.name).toBe('rotate-me');
    expectError(await api(fresh), 401);
    expectError(await call('GET', `/${id}`), 404, 'NotFoundError');
  });

  it('expires tokens created with a lifespan', async () => {
    const month = 30 * 24 * 3600 * 1000;
    const long = (await call('POST', '', { name: 'monthly', type: 'read-only', lifespan: month })).json()
      .data;
    expect(long.lifespan).toBe(month);
    expect(Date.parse(long.expiresAt) - Date.parse(long.createdAt)).toBe(month);
    const short = (await call('POST', '', { name: 'brief', type: 'read-only', lifespan: 50 })).json().data;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const expired = await api(short.accessKey);
    expectError(expired, 401);
    expect(expired.json().error.message).toBe('Token expired');
  });

  it('answers 4xx to wrong token requests', async () => {
    expectError(await call('POST', '', { name: 'x', type: 'admin' }), 400, 'ValidationError');
    expectError(
      await call('POST', '', { name: 'x', type: 'custom', permissions: ['api::nope.nope.find'] }),
      400,
    );
    expectError(
      await call('POST', '', { name: 'x', type: 'custom', permissions: ['api::article.article.publish'] }),
      400,
    );
    expectError(
      await call('POST', '', { name: 'x', type: 'read-only', permissions: ['api::article.article.find'] }),
      400,
    );
    expectError(await call('POST', '', { name: 'site', type: 'read-only' }), 409, 'ConflictError');
    expectError(await call('POST', '', { name: '', type: 'read-only' }), 400);
    expectError(await call('POST', '', { name: 'bad/name', type: 'read-only' }), 400);
    expectError(await call('POST', '', { name: 'x', type: 'read-only', lifespan: -1 }), 400);
    expectError(await call('POST', '', { name: 'x', type: 'read-only', lifespan: 'forever' }), 400);
    expectError(await call('POST', '', { type: 'read-only' }), 400);
    const site = (await call('GET', '')).json().data.find((x: { name: string }) => x.name === 'site');
    expectError(await call('PUT', `/${site.id}`, { name: 'ci' }), 409);
    expectError(await call('PUT', `/${site.id}`, { name: 'no/slash' }), 400);
    expectError(await call('PUT', `/${site.id}`, { accessKey: 'mine' }), 400);
    expectError(await call('PUT', '/424242', { name: 'x' }), 404);
    expectError(await call('POST', '/424242/regenerate'), 404);
    expectError(await call('DELETE', '/nope'), 404);
  });
});
