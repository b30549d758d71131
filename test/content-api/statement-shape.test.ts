import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

/**
 * Reads write their page window into the SQL text instead of binding it: SQLite plans with a bound
 * LIMIT's value, so a cached statement whose LIMIT is rebound on every run is re-prepared every time
 * (a one-document read took four times as long). The statements of a request are captured with the
 * database's query listener.
 */
type Tag = { name: string };

describeEachDatabase('read statements', (kind) => {
  let t: TestNode;
  let documentId: string;

  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations' });
    for (let i = 0; i < 7; i++) {
      const res = await t.request({ method: 'POST', url: '/api/tags', body: { data: { name: `tag ${i}` } } });
      documentId = res.json().data.documentId;
    }
  });
  afterAll(() => t.close());

  async function statementsOf(url: string): Promise<{ sql: string[]; data: unknown }> {
    const sql: string[] = [];
    const stop = t.node.database.onQuery((event) => {
      if (/from "tags"/.test(event.sql)) sql.push(event.sql);
    });
    try {
      const res = await t.request({ url });
      expect(res.status, res.body).toBe(200);
      return { sql, data: res.json().data };
    } finally {
      stop();
    }
  }

  it('write the page window of a list into the SQL', async () => {
    const page2 = await statementsOf('/api/tags?sort=name:asc&pagination[page]=2&pagination[pageSize]=3');
    expect((page2.data as Tag[]).map((tag) => tag.name)).toEqual(['tag 3', 'tag 4', 'tag 5']);
    expect(page2.sql.find((text) => /\blimit\b/i.test(text))).toMatch(/\blimit 3 offset 3$/i);

    const offset = await statementsOf('/api/tags?sort=name:desc&pagination[start]=5&pagination[limit]=10');
    expect((offset.data as Tag[]).map((tag) => tag.name)).toEqual(['tag 1', 'tag 0']);
    expect(offset.sql.find((text) => /\blimit\b/i.test(text))).toMatch(/\blimit 10 offset 5$/i);
  });

  it('write the one-row window of a read by documentId into the SQL', async () => {
    const one = await statementsOf(`/api/tags/${documentId}`);
    expect((one.data as Tag).name).toBe('tag 6');
    expect(one.sql).toHaveLength(1);
    expect(one.sql[0]).toMatch(/\blimit 1 offset 0$/i);
  });

  it('answer a page far beyond the last one with no documents', async () => {
    const res = await t.request({
      url: '/api/tags?pagination[page]=999999999999999&pagination[pageSize]=100',
    });
    expect(res.status, res.body).toBe(200);
    expect(res.json().data).toEqual([]);
    expect(res.json().meta.pagination).toMatchObject({ page: 999999999999999, pageSize: 100 });
  });
});
