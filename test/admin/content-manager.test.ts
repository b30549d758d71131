import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { adminWithRoles, expectError, registerFirstAdmin, type AdminSession } from './helpers.js';

const CM = '/admin/api/content-manager';

describe('content manager routes (what the admin UI edits documents through)', () => {
  let t: TestNode;
  let admin: AdminSession;
  beforeAll(async () => {
    t = await startTestNode({ kind: 'sqlite', app: 'relations' });
    admin = await registerFirstAdmin(t);
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, auth = admin.auth) =>
    t.request({ method, url, body, auth });

  it('creates drafts, reads them fully populated, and reports each document’s status', async () => {
    const author = await call('POST', `${CM}/collection-types/api::author.author`, { data: { name: 'Ada' } });
    expect(author.status, author.body).toBe(201);
    expect(author.json().meta.status).toBe('draft');

    const created = await call('POST', `${CM}/collection-types/api::article.article`, {
      data: {
        title: 'Hello',
        author: author.json().data.documentId,
        seo: { metaTitle: 'Hello' },
        blocks: [{ __component: 'shared.quote', title: 'Q', body: 'B' }],
      },
    });
    expect(created.status, created.body).toBe(201);
    const documentId = created.json().data.documentId;
    // A draft only: the content API sees nothing published yet.
    expect((await t.request({ url: '/api/articles' })).json().data).toHaveLength(0);

    const read = await call('GET', `${CM}/collection-types/api::article.article/${documentId}`);
    expect(read.status, read.body).toBe(200);
    expect(read.json().data).toMatchObject({
      title: 'Hello',
      author: { name: 'Ada' },
      seo: { metaTitle: 'Hello' },
      blocks: [{ __component: 'shared.quote', title: 'Q' }],
    });

    const published = await call('POST', `${CM}/collection-types/api::article.article/${documentId}/publish`);
    expect(published.status, published.body).toBe(200);
    let list = await call('GET', `${CM}/collection-types/api::article.article?sort=title:asc&_q=Hell`);
    expect(list.json().data.map((d: { status: string }) => d.status)).toEqual(['published']);
    expect(list.json().meta.pagination.total).toBe(1);

    await call('PUT', `${CM}/collection-types/api::article.article/${documentId}`, {
      data: { title: 'Hello 2' },
    });
    list = await call('GET', `${CM}/collection-types/api::article.article`);
    expect(list.json().data[0]).toMatchObject({ title: 'Hello 2', status: 'modified' });
    // The published version is untouched by a draft edit.
    expect((await t.request({ url: '/api/articles' })).json().data[0].title).toBe('Hello');

    const bulk = await call('POST', `${CM}/collection-types/api::article.article/actions/bulk-unpublish`, {
      documentIds: [documentId, 'nope'],
    });
    expect(bulk.json().data).toMatchObject({ count: 1, failed: [{ documentId: 'nope' }] });
    expect((await t.request({ url: '/api/articles' })).json().data).toHaveLength(0);
  });

  it('answers validation errors in Strapi’s shape with the field’s path', async () => {
    const res = await call('POST', `${CM}/collection-types/api::article.article`, {
      data: { title: 'x', seo: { metaTitle: 't', metaDescription: 'x'.repeat(200) } },
    });
    expectError(res, 400, 'ValidationError');
    expect(res.json().error.details.errors[0].path).toEqual(['seo', 'metaDescription']);
  });

  it('edits single types', async () => {
    expect((await call('GET', `${CM}/single-types/api::global.global`)).json().data).toBeNull();
    const put = await call('PUT', `${CM}/single-types/api::global.global`, { data: { siteName: 'Site' } });
    expect(put.status, put.body).toBe(200);
    expect((await call('GET', `${CM}/single-types/api::global.global`)).json().data.siteName).toBe('Site');
  });

  it('needs an admin with the permission: 401 without, 403 for an author on delete, 404 for unknown types', async () => {
    expectError(
      await call('GET', `${CM}/collection-types/api::article.article`, undefined, t.fullAccess),
      401,
    );
    expectError(await call('GET', `${CM}/collection-types/api::nope.nope`), 404);
    expectError(await call('GET', `${CM}/collection-types/plugin::users-permissions.user`), 404);
    const editor = await adminWithRoles(t, admin, 'ed@example.com', ['strapi-editor']);
    const list = await call('GET', `${CM}/collection-types/api::tag.tag`, undefined, editor.auth);
    expect(list.status, list.body).toBe(200);
    // An editor may not use the builder, but sees the schema its forms need.
    expectError(await call('GET', '/admin/api/content-types', undefined, editor.auth), 403);
    const types = await call('GET', `${CM}/content-types`, undefined, editor.auth);
    expect(types.json().data.map((m: { uid: string }) => m.uid)).toContain('api::article.article');
    const components = await call('GET', `${CM}/components`, undefined, editor.auth);
    expect(components.json().data.map((m: { uid: string }) => m.uid)).toContain('shared.seo');
  });
});
