import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

describeEachDatabase('collection types: create, read, update, delete', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
  });
  afterAll(() => t.close());

  it('creates a published document by default and returns it flat with system fields (201)', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/articles',
      body: { data: { title: 'Hello', views: 3 } },
    });
    expect(res.status).toBe(201);
    const { data, meta } = res.json();
    expect(meta).toEqual({});
    expect(data).toMatchObject({ title: 'Hello', views: 3, featured: false });
    expect(data.documentId).toMatch(/^[a-z0-9]{24}$/);
    expect(typeof data.id).toBe('number');
    expect(data.publishedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(data.createdAt).toBe(data.updatedAt);
    expect(Object.keys(data).slice(0, 2)).toEqual(['id', 'documentId']);
    expect(Object.keys(data).slice(-3)).toEqual(['createdAt', 'updatedAt', 'publishedAt']);
    expect(data).not.toHaveProperty('secret');
    expect(data).not.toHaveProperty('password');
  });

  it('finds published documents with pagination meta, and findOne by documentId', async () => {
    const created = (
      await t.request({ method: 'POST', url: '/api/articles', body: { data: { title: 'Findable' } } })
    ).json().data;
    const list = await t.request({ url: '/api/articles' });
    expect(list.status).toBe(200);
    const body = list.json();
    expect(body.meta.pagination).toEqual({ page: 1, pageSize: 25, pageCount: 1, total: body.data.length });
    expect(body.data.map((d: { title: string }) => d.title)).toContain('Findable');

    const one = await t.request({ url: `/api/articles/${created.documentId}` });
    expect(one.status).toBe(200);
    expect(one.json()).toEqual({ data: created, meta: {} });
  });

  it('keeps drafts out of published reads, and reads them with status=draft', async () => {
    const draft = (
      await t.request({
        method: 'POST',
        url: '/api/articles?status=draft',
        body: { data: { title: 'Draft only' } },
      })
    ).json().data;
    expect(draft.publishedAt).toBeNull();
    expect((await t.request({ url: `/api/articles/${draft.documentId}` })).status).toBe(404);
    const asDraft = await t.request({ url: `/api/articles/${draft.documentId}?status=draft` });
    expect(asDraft.status).toBe(200);
    expect(asDraft.json().data.title).toBe('Draft only');
    const published = await t.request({ url: '/api/articles?filters[documentId][$eq]=' + draft.documentId });
    expect(published.json().data).toEqual([]);
  });

  it('updates partially and publishes; the published row gets a new id', async () => {
    const created = (
      await t.request({ method: 'POST', url: '/api/articles', body: { data: { title: 'Before', views: 1 } } })
    ).json().data;
    const res = await t.request({
      method: 'PUT',
      url: `/api/articles/${created.documentId}`,
      body: { data: { title: 'After' } },
    });
    expect(res.status).toBe(200);
    const updated = res.json().data;
    expect(updated).toMatchObject({ documentId: created.documentId, title: 'After', views: 1 });
    expect(updated.id).not.toBe(created.id);
    expect(updated.createdAt).toBe(created.createdAt);
  });

  it('updates only the draft with status=draft, leaving the published version as it was', async () => {
    const created = (
      await t.request({ method: 'POST', url: '/api/articles', body: { data: { title: 'Live' } } })
    ).json().data;
    const res = await t.request({
      method: 'PUT',
      url: `/api/articles/${created.documentId}?status=draft`,
      body: { data: { title: 'Edited' } },
    });
    expect(res.status).toBe(200);
    expect(res.json().data).toMatchObject({ title: 'Edited', publishedAt: null });
    expect((await t.request({ url: `/api/articles/${created.documentId}` })).json().data.title).toBe('Live');
  });

  it('answers 404 for updates of unknown documents and 204 for every delete', async () => {
    expect(
      (await t.request({ method: 'PUT', url: '/api/articles/nope', body: { data: { title: 'x' } } })).status,
    ).toBe(404);
    const created = (
      await t.request({ method: 'POST', url: '/api/articles', body: { data: { title: 'Doomed' } } })
    ).json().data;
    const del = await t.request({ method: 'DELETE', url: `/api/articles/${created.documentId}` });
    expect(del.status).toBe(204);
    expect(del.body).toBe('');
    expect((await t.request({ url: `/api/articles/${created.documentId}` })).status).toBe(404);
    expect((await t.request({ url: `/api/articles/${created.documentId}?status=draft` })).status).toBe(404);
    expect((await t.request({ method: 'DELETE', url: '/api/articles/unknown-document' })).status).toBe(204);
  });

  it('treats a type without draft & publish as always published', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/tags?status=draft',
      body: { data: { name: 'always' } },
    });
    expect(res.status).toBe(201);
    expect(res.json().data.publishedAt).not.toBeNull();
    expect((await t.request({ url: '/api/tags?status=draft' })).json().data).toHaveLength(1);
  });

  it('answers 404 in Strapi shape for unknown types and routes', async () => {
    for (const url of ['/api/nothing', '/api/articles/a/b', '/nowhere']) {
      const res = await t.request({ url });
      expect(res.status).toBe(404);
      expect(res.json()).toEqual({
        data: null,
        error: { status: 404, name: 'NotFoundError', message: 'Not Found', details: {} },
      });
    }
  });
});

describe('single types', () => {
  describeEachDatabase('find, create-or-update, delete', (kind) => {
    let t: TestNode;
    beforeAll(async () => {
      t = await startTestNode({ kind, app: 'kitchen' });
    });
    afterAll(() => t.close());

    it('is 404 until written, then PUT creates (200) and updates the one document', async () => {
      expect((await t.request({ url: '/api/homepage' })).status).toBe(404);
      const first = await t.request({
        method: 'PUT',
        url: '/api/homepage',
        body: { data: { title: 'Welcome' } },
      });
      expect(first.status).toBe(200);
      const created = first.json().data;
      expect(created).toMatchObject({ title: 'Welcome' });
      const second = await t.request({
        method: 'PUT',
        url: '/api/homepage',
        body: { data: { subtitle: 'to Quorum' } },
      });
      expect(second.json().data).toMatchObject({
        documentId: created.documentId,
        title: 'Welcome',
        subtitle: 'to Quorum',
      });
      expect((await t.request({ url: '/api/homepage' })).json().data.subtitle).toBe('to Quorum');
    });

    it('has no collection routes', async () => {
      expect((await t.request({ method: 'POST', url: '/api/homepage', body: { data: {} } })).status).toBe(
        405,
      );
      expect((await t.request({ url: '/api/homepage/abc' })).status).toBe(404);
    });

    it('deletes with 204', async () => {
      await t.request({ method: 'PUT', url: '/api/setting', body: { data: { siteName: 'S' } } });
      expect((await t.request({ method: 'DELETE', url: '/api/setting' })).status).toBe(204);
      expect((await t.request({ url: '/api/setting' })).status).toBe(404);
    });
  });
});
