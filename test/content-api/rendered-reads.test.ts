import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  findDocument,
  findDocuments,
  renderDocument,
  renderDocuments,
} from '../../src/core/documents/find.js';
import { createDocument } from '../../src/core/documents/write.js';
import { ValidationError } from '../../src/core/errors.js';
import type { ContentType } from '../../src/core/schema/model.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

/**
 * Reads answer JSON text that the database writes itself where it can (core/query/render.ts). That text
 * must be byte for byte what JSON.stringify makes of the documents the object path reads — for every
 * attribute type, awkward values, field lists and joined relations — and a read the database cannot
 * render exactly (a float on SQLite) must fall back to the object path.
 */
/** The database writes JSON: json_object on SQLite, to_json on PostgreSQL. */
const RENDERING = /json_object|to_json/;

const AWKWARD = [
  'plain',
  'quote " backslash \\ slash / tab \t newline \n',
  'controls \u0001 \u0002 \u001f del \u007f',
  'separators \u2028 \u2029 and é ß ǅ İ K 😀 中文',
  '',
];

const RENDERABLE = [
  'title',
  'slug',
  'body',
  'summary',
  'views',
  'big',
  'featured',
  'day',
  'time',
  'at',
  'meta',
  'content',
  'kind',
  'contact',
];

describeEachDatabase('reads rendered as JSON by the database', (kind) => {
  let t: TestNode;
  let articles: ContentType;
  const documentIds: string[] = [];

  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
    articles = t.node.core.schema().byRouteName('articles') as ContentType;
    for (let i = 0; i < AWKWARD.length; i++) {
      const res = await t.request({
        method: 'POST',
        url: '/api/articles',
        body: {
          data: {
            title: `${AWKWARD[i]} ${i}`.slice(0, 100),
            body: AWKWARD[(i + 1) % AWKWARD.length],
            summary: i === 4 ? null : `summary ${AWKWARD[i]}`,
            views: i * 1000,
            rating: i / 3,
            price: 0.1 + 0.2 * i,
            big: i % 2 ? '9007199254740993123' : '-42',
            featured: i === 4 ? null : i % 2 === 0,
            day: '2026-02-28',
            time: '23:59:58.123',
            at: '2026-12-04T10:11:12.345Z',
            stamp: '2026-12-04T10:11:12.345Z',
            meta:
              i === 0
                ? null
                : { text: AWKWARD[i], n: [0, -1, 1e21, 1.5e-7, 0.1 + 0.2, 2 ** 53], nested: { ok: true } },
            content: [{ type: 'paragraph', children: [{ type: 'text', text: AWKWARD[i] }] }],
            kind: ['news', 'tutorial', 'opinion'][i % 3],
            contact: `a${i}@example.com`,
            secret: 'never shown',
            password: 'hunter22',
            code: 'ABC',
          },
        },
      });
      expect(res.status, res.body).toBe(201);
      documentIds.push(res.json().data.documentId);
    }
  });
  afterAll(() => t.close());

  async function statements(read: () => Promise<unknown>): Promise<string[]> {
    const sql: string[] = [];
    const stop = t.node.database.onQuery((event) => sql.push(event.sql));
    try {
      await read();
    } finally {
      stop();
    }
    return sql;
  }

  it('renders lists exactly as the object path stringifies them, for any field list', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(RENDERABLE, { minLength: 1 }),
        fc.constantFrom('id:asc', 'title:desc', 'big:asc', 'featured:desc'),
        async (fields, sort) => {
          const input = { params: { fields, sort, pagination: { pageSize: 4, withCount: true } } };
          const rendered = await renderDocuments(t.node.core, articles, input);
          const objects = await findDocuments(t.node.core, articles, input);
          expect(rendered.data).toBe(JSON.stringify(objects.data));
          expect(rendered.pagination).toEqual(objects.pagination);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('renders whole documents and single reads, private fields and passwords left out', async () => {
    const input = { params: { status: 'published' } };
    const sql = await statements(async () => {
      const rendered = await renderDocuments(t.node.core, articles, input);
      expect(rendered.data).not.toContain('never shown');
      expect(rendered.data).not.toContain('hunter22');
    });
    // The whole article has a float, a decimal and a timestamp: the database cannot render those exactly.
    expect(sql.some((text) => RENDERING.test(text))).toBe(false);

    const fieldsOnly = { params: { fields: RENDERABLE } };
    for (const documentId of documentIds) {
      const text = await renderDocument(t.node.core, articles, documentId, fieldsOnly);
      const document = await findDocument(t.node.core, articles, documentId, fieldsOnly);
      expect(text).toBe(JSON.stringify(document));
    }
    expect(await renderDocument(t.node.core, articles, 'missing', fieldsOnly)).toBeNull();
    // PostgreSQL prints jsonb with spaces, so JSON attributes leave its reads on the object path.
    const notJson = {
      params: { fields: RENDERABLE.filter((name) => name !== 'meta' && name !== 'content') },
    };
    const used = await statements(() => renderDocument(t.node.core, articles, documentIds[0], notJson));
    expect(used.some((text) => RENDERING.test(text))).toBe(true);
    expect(await renderDocument(t.node.core, articles, documentIds[1], notJson)).toBe(
      JSON.stringify(await findDocument(t.node.core, articles, documentIds[1], notJson)),
    );
  });

  it('refuses JSON nested deeper than the databases render, from any caller, and renders the deepest allowed', async () => {
    const nested = (levels: number) => {
      let value: unknown[] = [];
      for (let i = 1; i < levels; i++) value = [value];
      return value;
    };
    // In-process callers (cron tasks, scripts) are not bounded by the HTTP body's depth limit.
    const tooDeep = createDocument(t.node.core, articles, {
      data: { title: 'too deep', meta: nested(1001) },
      params: {},
    });
    await expect(tooDeep).rejects.toBeInstanceOf(ValidationError);
    await expect(tooDeep).rejects.toThrow(/meta must not be nested more than 1000 levels deep/);

    const deepest = await createDocument(t.node.core, articles, {
      data: { title: 'deepest', meta: nested(1000) },
      params: {},
    });
    const fieldsOnly = { params: { fields: ['title', 'meta'] } };
    const text = await renderDocument(t.node.core, articles, deepest.documentId as string, fieldsOnly);
    const document = await findDocument(t.node.core, articles, deepest.documentId as string, fieldsOnly);
    expect(text).toBe(JSON.stringify(document));
    await t.request({ method: 'DELETE', url: `/api/articles/${deepest.documentId}` });
  });

  it('serves the rendered text over HTTP with the JSON content type', async () => {
    const res = await t.request({ url: `/api/articles?fields[0]=title&fields[1]=meta&sort=id` });
    expect(res.status, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = res.json();
    expect(body.meta.pagination).toEqual({ page: 1, pageSize: 25, pageCount: 1, total: AWKWARD.length });
    expect(body.data[1].meta.n).toEqual([0, -1, 1e21, 1.5e-7, 0.1 + 0.2, 2 ** 53]);
    expect(body.data[0].title).toBe(`${AWKWARD[0]} 0`);
  });
});

describeEachDatabase('joined relations rendered as JSON by the database', (kind) => {
  let t: TestNode;
  let articles: ContentType;

  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations' });
    articles = t.node.core.schema().byRouteName('articles') as ContentType;
    const post = async (url: string, data: unknown, query = '') => {
      const res = await t.request({ method: 'POST', url: `${url}${query}`, body: { data } });
      expect(res.status, res.body).toBe(201);
      return res.json().data.documentId as string;
    };
    const ann = await post('/api/authors', { name: 'Ann "the" \u2028 author' });
    const dee = await post('/api/authors', { name: 'Dee' }, '?status=draft');
    const news = await post('/api/categories', { name: 'News' });
    await post('/api/articles', { title: 'A1', author: ann, category: news });
    await post('/api/articles', { title: 'A2', author: dee });
    await post('/api/articles', { title: 'A3', category: news });
  });
  afterAll(() => t.close());

  it('renders to-one relations, null where nothing visible or matching is linked', async () => {
    for (const populate of [
      { author: true, category: true },
      { author: { fields: ['name'] } },
      { author: { filters: { name: { $eq: 'nobody' } } }, category: { fields: ['name'] } },
    ]) {
      for (const status of ['published', 'draft']) {
        const input = { params: { populate, status, sort: 'title' } };
        const sql: string[] = [];
        const stop = t.node.database.onQuery((event) => sql.push(event.sql));
        const rendered = await renderDocuments(t.node.core, articles, input).finally(stop);
        const objects = await findDocuments(t.node.core, articles, input);
        expect(rendered.data).toBe(JSON.stringify(objects.data));
        expect(sql.some((text) => RENDERING.test(text))).toBe(true);
      }
    }
  });

  it('falls back to the object path for what the database does not render (to-many, nested)', async () => {
    for (const populate of [{ tags: true }, { author: { populate: { articles: true } } }]) {
      const input = { params: { populate, sort: 'title' } };
      const rendered = await renderDocuments(t.node.core, articles, input);
      const objects = await findDocuments(t.node.core, articles, input);
      expect(rendered.data).toBe(JSON.stringify(objects.data));
    }
  });
});
