import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

/**
 * A read's own to-one relations are LEFT JOINed into the page's statement instead of read by a
 * batched query. The join must behave exactly like the batched query: articles without a (visible,
 * matching) related document stay in the page with null, none is repeated, and self-relations,
 * nested populates, field lists and the request's status all hold.
 */
type Doc = Record<string, unknown> & { title: string };

describeEachDatabase('to-one relations joined into the page statement', (kind) => {
  let t: TestNode;
  const post = async (url: string, data: unknown, query = '') => {
    const res = await t.request({ method: 'POST', url: `${url}${query}`, body: { data } });
    expect(res.status, res.body).toBe(201);
    return res.json().data as { documentId: string };
  };

  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations' });
    const ann = await post('/api/authors', { name: 'Ann' });
    const bob = await post('/api/authors', { name: 'Bob' });
    // Dee has a draft only: invisible to published reads.
    const dee = await post('/api/authors', { name: 'Dee' }, '?status=draft');
    const news = await post('/api/categories', { name: 'News' });
    const first = await post('/api/articles', {
      title: 'A1',
      author: ann.documentId,
      category: news.documentId,
    });
    await post('/api/articles', { title: 'A2', author: bob.documentId, parent: first.documentId });
    await post('/api/articles', { title: 'A3' });
    await post('/api/articles', { title: 'A4', author: dee.documentId, reviewer: ann.documentId });
  });
  afterAll(() => t.close());

  async function read(url: string): Promise<{ data: Doc[]; statements: string[]; total: number }> {
    const statements: string[] = [];
    const stop = t.node.database.onQuery((event) => {
      if (/from "articles"/.test(event.sql)) statements.push(event.sql);
    });
    try {
      const res = await t.request({ url });
      expect(res.status, res.body).toBe(200);
      const body = res.json();
      return { data: body.data, statements, total: body.meta.pagination?.total };
    } finally {
      stop();
    }
  }

  it('reads them with the page, keeping every article once, with null where nothing visible is linked', async () => {
    const { data, statements, total } = await read(
      '/api/articles?sort=title&populate[author][fields][0]=name&populate[category]=true&populate[reviewer]=true',
    );
    expect(statements.filter((text) => /left join/.test(text))).toHaveLength(1);
    expect(total).toBe(4);
    expect(data.map((d) => [d.title, d.author, (d.category as Doc | null)?.name ?? null])).toEqual([
      ['A1', { id: expect.any(Number), documentId: expect.any(String), name: 'Ann' }, 'News'],
      ['A2', { id: expect.any(Number), documentId: expect.any(String), name: 'Bob' }, null],
      ['A3', null, null],
      ['A4', null, null],
    ]);
    expect((data[3].reviewer as Doc).name).toBe('Ann');
    // Keys in populate order, after the document's own fields, as the batched population writes them.
    expect(Object.keys(data[0]).slice(-3)).toEqual(['author', 'category', 'reviewer']);
  });

  it('follows the request’s status: a draft read joins the draft authors', async () => {
    const { data } = await read('/api/articles?status=draft&sort=title&populate[author]=true');
    expect(data.map((d) => (d.author as Doc | null)?.name ?? null)).toEqual(['Ann', 'Bob', null, 'Dee']);
  });

  it('puts populate filters into the join: a non-matching author is null, the article stays', async () => {
    const { data } = await read('/api/articles?sort=title&populate[author][filters][name][$eq]=Bob');
    expect(data.map((d) => [d.title, (d.author as Doc | null)?.name ?? null])).toEqual([
      ['A1', null],
      ['A2', 'Bob'],
      ['A3', null],
      ['A4', null],
    ]);
  });

  it('joins self-relations and populates below a joined relation', async () => {
    const { data } = await read(
      '/api/articles?sort=title&filters[title][$eq]=A2&populate[parent][populate][author][fields][0]=name',
    );
    expect(data).toHaveLength(1);
    const parent = data[0].parent as Doc;
    expect(parent.title).toBe('A1');
    expect((parent.author as Doc).name).toBe('Ann');
  });

  it('joins for a single document too', async () => {
    const list = await read('/api/articles?filters[title][$eq]=A1');
    const documentId = list.data[0].documentId as string;
    const res = await t.request({
      url: `/api/articles/${documentId}?populate[author]=true&populate[category]=true`,
    });
    expect(res.status).toBe(200);
    expect(res.json().data.author.name).toBe('Ann');
    expect(res.json().data.category.name).toBe('News');
  });
});
