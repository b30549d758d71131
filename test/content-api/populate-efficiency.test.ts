import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

/**
 * Population is batched: the number of statements depends on the populate tree, not on the number of
 * documents. Counted with the database's query listener, for a page of 1 and a page of 100. A read's
 * own to-one relations cost no statement at all: the page's statement joins them.
 */
describeEachDatabase('populate costs a bounded number of statements', (kind) => {
  let t: TestNode;

  beforeAll(async () => {
    // Totals are not cached here, so both requests count their pagination total.
    t = await startTestNode({ kind, app: 'relations', config: { api: { rest: { countCacheTtlMs: 0 } } } });
    const post = async (url: string, data: unknown) =>
      (await t.request({ method: 'POST', url, body: { data } })).json().data;
    const authors = [];
    for (let i = 0; i < 5; i++)
      authors.push((await post('/api/authors', { name: `Author ${i}` })).documentId);
    const tags = [];
    for (let i = 0; i < 4; i++) tags.push((await post('/api/tags', { name: `tag ${i}` })).documentId);
    const category = (await post('/api/categories', { name: 'C' })).documentId;
    for (let i = 0; i < 100; i++) {
      await post('/api/articles', {
        title: `Article ${i}`,
        author: authors[i % 5],
        category,
        tags: [tags[i % 4], tags[(i + 1) % 4]],
        seo: { metaTitle: `seo ${i}` },
        blocks: [
          { __component: 'shared.quote', title: `q${i}` },
          { __component: 'shared.rich-text', body: 'text' },
        ],
      });
    }
  }, 120_000);
  afterAll(() => t.close());

  async function statements(url: string): Promise<{ count: number; length: number }> {
    let count = 0;
    // Only this request's statements: the node's own background work (leases, heartbeats, the
    // scheduler, the bus, the webhook dispatcher) touches quorum_* tables in transactions of its own,
    // and is left out; reads do not open transactions.
    const stop = t.node.database.onQuery((event) => {
      if (!/quorum_|pg_notify|^(begin|commit|rollback)\b/i.test(event.sql)) count++;
    });
    try {
      const res = await t.request({ url });
      expect(res.status).toBe(200);
      return { count, length: res.json().data.length };
    } finally {
      stop();
    }
  }

  it('is the same for 1 and 100 documents', async () => {
    const populate =
      'populate[author][populate][articles][fields][0]=title&populate[category]=true&populate[tags]=true&populate[seo]=true&populate[blocks]=true';
    const one = await statements(`/api/articles?pagination[pageSize]=1&${populate}`);
    const hundred = await statements(`/api/articles?pagination[pageSize]=100&${populate}`);
    expect(one.length).toBe(1);
    expect(hundred.length).toBe(100);
    // page (author and category, to-one relations, joined into it) + count + author.articles + tags +
    // seo + one per dynamic-zone component type (4)
    expect(one.count).toBe(9);
    expect(hundred.count).toBe(one.count);
  });
});
