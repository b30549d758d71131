import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { adminWithRoles, expectError, registerFirstAdmin, type AdminSession } from './helpers.js';

const ARTICLES = '/admin/api/content-manager/collection-types/api::article.article';

describeEachDatabase('content manager for an Author (own documents only)', (kind) => {
  let t: TestNode;
  let root: AdminSession;
  let author: AdminSession;
  let other: AdminSession;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations' });
    root = await registerFirstAdmin(t);
    author = await adminWithRoles(t, root, 'author@example.com', ['strapi-author']);
    other = await adminWithRoles(t, root, 'other@example.com', ['strapi-author']);
  });
  afterAll(() => t.close());

  const call = (
    session: AdminSession,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
  ) => t.request({ method, url, body, auth: session.auth });

  async function create(session: AdminSession, title: string): Promise<string> {
    const res = await call(session, 'POST', ARTICLES, { data: { title } });
    expect(res.status, res.body).toBe(201);
    return res.json().data.documentId as string;
  }

  it('lists and counts only the documents the Author created', async () => {
    await create(root, 'Root 1');
    await create(root, 'Root 2');
    await create(other, 'Other 1');
    await create(author, 'Mine 1');
    await create(author, 'Mine 2');

    const list = await call(author, 'GET', `${ARTICLES}?sort=title:asc&pagination[pageSize]=1`);
    expect(list.status, list.body).toBe(200);
    expect(list.json().data.map((d: { title: string }) => d.title)).toEqual(['Mine 1']);
    expect(list.json().meta.pagination).toMatchObject({ total: 2, pageCount: 2 });
    // Filters and search combine with the condition instead of widening it.
    const search = await call(author, 'GET', `${ARTICLES}?_q=1`);
    expect(search.json().data.map((d: { title: string }) => d.title)).toEqual(['Mine 1']);
    expect(search.json().meta.pagination.total).toBe(1);
    // An editor (no condition) still sees everything.
    const all = await call(root, 'GET', ARTICLES);
    expect(all.json().meta.pagination.total).toBe(5);
    // The creator column is for permission conditions only: clients cannot filter on it.
    expectError(await call(root, 'GET', `${ARTICLES}?filters[createdBy][$eq]=${author.user.id}`), 400);
  });

  it('creates, reads, edits, publishes and deletes its own documents', async () => {
    const documentId = await create(author, 'Draft');
    const read = await call(author, 'GET', `${ARTICLES}/${documentId}`);
    expect(read.status, read.body).toBe(200);
    const updated = await call(author, 'PUT', `${ARTICLES}/${documentId}`, { data: { title: 'Edited' } });
    expect(updated.status, updated.body).toBe(200);
    expect(updated.json().data.title).toBe('Edited');
    const published = await call(author, 'POST', `${ARTICLES}/${documentId}/publish`);
    expect(published.status, published.body).toBe(200);
    // Publishing keeps the document the Author's: it can still unpublish and delete it.
    expect((await call(author, 'POST', `${ARTICLES}/${documentId}/unpublish`)).status).toBe(200);
    expect((await call(author, 'DELETE', `${ARTICLES}/${documentId}`)).status).toBe(200);
    expectError(await call(author, 'GET', `${ARTICLES}/${documentId}`), 404);
  });

  it('answers 403 for documents of other admins, as Strapi’s content manager does, and changes nothing', async () => {
    const theirs = await create(other, 'Theirs');
    expectError(await call(author, 'GET', `${ARTICLES}/${theirs}`), 403, 'ForbiddenError');
    expectError(await call(author, 'PUT', `${ARTICLES}/${theirs}`, { data: { title: 'Mine now' } }), 403);
    expectError(await call(author, 'POST', `${ARTICLES}/${theirs}/publish`), 403);
    expectError(await call(author, 'DELETE', `${ARTICLES}/${theirs}`), 403);
    const bulk = await call(author, 'POST', `${ARTICLES}/actions/bulk-delete`, { documentIds: [theirs] });
    expect(bulk.json().data).toMatchObject({ count: 0, failed: [{ documentId: theirs }] });
    // A document that does not exist stays a 404.
    expectError(await call(author, 'GET', `${ARTICLES}/nope`), 404);

    const still = await call(other, 'GET', `${ARTICLES}/${theirs}`);
    expect(still.json()).toMatchObject({ data: { title: 'Theirs' }, meta: { status: 'draft' } });
  });

  it('limits single types the same way', async () => {
    const global = '/admin/api/content-manager/single-types/api::global.global';
    const put = await call(other, 'PUT', global, { data: { siteName: 'Theirs' } });
    expect(put.status, put.body).toBe(200);
    expectError(await call(author, 'GET', global), 403);
    expectError(await call(author, 'PUT', global, { data: { siteName: 'Mine' } }), 403);
    expect((await call(root, 'GET', global)).json().data.siteName).toBe('Theirs');
  });
});
