import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminAbility } from '../../src/accounts/ability.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode, type TestResponse } from '../helpers/node.js';
import { api, type Api } from '../helpers/relations.js';

/**
 * The response cache as clients meet it (cache/response-cache.ts, the content routes): a repeated read
 * is answered from memory with the same bytes, every write answers only after it has retired what it
 * changes (read-your-writes on the node), a write retires only answers that read the written type, and
 * access is decided before the cache is consulted. The property at the end runs random writes of every
 * kind between reads and checks that a cached answer always equals a fresh one.
 */
// Permissions are reloaded every 50 ms here: a reload that finds the same grants must keep the answers.
const CACHED = { cache: { responses: { enabled: true } }, auth: { permissionCacheTtlMs: 50 } };
const FRESH = { 'cache-control': 'no-cache' };

describeEachDatabase('response cache', (kind) => {
  let t: TestNode;
  let a: Api;
  const ids: Record<string, string> = {};

  const get = (url: string, headers: Record<string, string> = {}, auth: 'full' | 'read' | 'none' = 'full') =>
    t.request({ url, headers, auth });
  const cacheOf = (res: TestResponse) => res.headers['x-quorum-cache'];
  /** A cached read (hit or miss) whose bytes equal a fresh read's. */
  const expectCurrent = async (url: string) => {
    const cached = await get(url);
    const fresh = await get(url, FRESH);
    expect(cached.status, `${url}: ${cached.body}`).toBe(200);
    expect(cacheOf(fresh)).toBe('bypass');
    expect(cached.body, url).toBe(fresh.body);
    return cached;
  };

  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations', config: CACHED });
    a = api(t);
    ids.ada = (await a.create('/api/authors', { name: 'Ada' })).documentId as string;
    ids.bob = (await a.create('/api/authors', { name: 'Bob' })).documentId as string;
    ids.news = (await a.create('/api/categories', { name: 'News' })).documentId as string;
    ids.first = (await a.create('/api/articles', { title: 'First', author: ids.ada, category: ids.news }))
      .documentId as string;
    ids.second = (await a.create('/api/articles', { title: 'Second', author: ids.bob })).documentId as string;
  });
  afterAll(() => t.close());

  it('answers a repeated read from memory, with the bytes a fresh read answers', async () => {
    const url = '/api/articles?populate[author]=true&sort=title';
    const first = await get(url);
    const second = await get(url);
    expect([cacheOf(first), cacheOf(second)]).toEqual(['miss', 'hit']);
    expect(second.body).toBe(first.body);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    const fresh = await get(url, FRESH);
    expect(cacheOf(fresh)).toBe('bypass');
    expect(fresh.body).toBe(first.body);
    // Pragma: no-cache (HTTP/1.0 clients) asks the same.
    expect(cacheOf(await get(url, { pragma: 'no-cache' }))).toBe('bypass');
    // A bypassing read does not store: the entry is still the one read first.
    expect(cacheOf(await get(url))).toBe('hit');
  });

  it('caches single documents and single types too', async () => {
    const one = `/api/articles/${ids.first}?populate=category`;
    expect(cacheOf(await get(one))).toBe('miss');
    expect(cacheOf(await get(one))).toBe('hit');
    await a.update(`/api/categories/${ids.news}`, { name: 'Headlines' });
    const after = await expectCurrent(one);
    expect(after.json().data.category.name).toBe('Headlines');

    await t.request({ method: 'PUT', url: '/api/global', body: { data: { siteName: 'One' } } });
    expect((await get('/api/global')).json().data.siteName).toBe('One');
    expect(cacheOf(await get('/api/global'))).toBe('hit');
    await t.request({ method: 'PUT', url: '/api/global', body: { data: { siteName: 'Two' } } });
    expect((await expectCurrent('/api/global')).json().data.siteName).toBe('Two');
  });

  it('shows a write to the next read, whatever the write (create, update, delete)', async () => {
    const url = '/api/articles?sort=title&fields[0]=title';
    const titles = async () => (await expectCurrent(url)).json().data.map((d: { title: string }) => d.title);
    expect(await titles()).toEqual(['First', 'Second']);
    const third = await a.create('/api/articles', { title: 'Third' });
    expect(await titles()).toEqual(['First', 'Second', 'Third']);
    await a.update(`/api/articles/${third.documentId}`, { title: 'Alpha' });
    expect(await titles()).toEqual(['Alpha', 'First', 'Second']);
    await a.remove(`/api/articles/${third.documentId}`);
    expect(await titles()).toEqual(['First', 'Second']);
  });

  it('a write retires only the answers that read the written type', async () => {
    const plain = '/api/articles?sort=title&fields[0]=title';
    const withCategory = '/api/articles?sort=title&populate[category]=true';
    const authors = '/api/authors?sort=name';
    for (const url of [plain, withCategory, authors]) await get(url);
    for (const url of [plain, withCategory, authors]) expect(cacheOf(await get(url)), url).toBe('hit');

    await a.update(`/api/categories/${ids.news}`, { name: 'Updates' });
    expect(cacheOf(await get(plain))).toBe('hit');
    expect(cacheOf(await get(authors))).toBe('hit');
    const populated = await get(withCategory);
    expect(cacheOf(populated)).toBe('miss');
    expect(populated.json().data[0].category.name).toBe('Updates');
  });

  it('filters and sorts through a relation depend on the related type', async () => {
    const filtered = '/api/articles?filters[author][name][$eq]=Ada&fields[0]=title';
    const sorted = '/api/articles?sort=author.name:asc&fields[0]=title';
    expect((await expectCurrent(filtered)).json().data.map((d: { title: string }) => d.title)).toEqual([
      'First',
    ]);
    expect((await expectCurrent(sorted)).json().data.map((d: { title: string }) => d.title)).toEqual([
      'First',
      'Second',
    ]);
    await a.update(`/api/authors/${ids.ada}`, { name: 'Zoe' });
    expect((await expectCurrent(filtered)).json().data).toEqual([]);
    expect((await expectCurrent(sorted)).json().data.map((d: { title: string }) => d.title)).toEqual([
      'Second',
      'First',
    ]);
    await a.update(`/api/authors/${ids.ada}`, { name: 'Ada' });
  });

  it('a link written from the other side of a relation retires the answers that populate it', async () => {
    const url = '/api/authors?sort=name&populate[articles][fields][0]=title';
    const before = (await expectCurrent(url)).json().data;
    expect(before.find((d: { name: string }) => d.name === 'Bob').articles).toEqual([
      expect.objectContaining({ title: 'Second' }),
    ]);
    expect(cacheOf(await get(url))).toBe('hit');
    // The article is written; the author's side of the link changes.
    await a.update(`/api/articles/${ids.second}`, { author: ids.ada });
    const after = (await expectCurrent(url)).json().data;
    expect(after.find((d: { name: string }) => d.name === 'Bob').articles).toEqual([]);
    await a.update(`/api/articles/${ids.second}`, { author: ids.bob });
  });

  it('decides access before the cache, and answers each scope what it may see', async () => {
    // Public may read articles but not authors (config/permissions.json of this app).
    const authors = '/api/authors?fields[0]=name';
    expect((await get(authors, {}, 'full')).status).toBe(200);
    expect(cacheOf(await get(authors, {}, 'full'))).toBe('hit');
    const denied = await get(authors, {}, 'none');
    expect(denied.status).toBe(403);
    expect(denied.body).not.toContain('Ada');
    expect(cacheOf(denied)).toBeUndefined();

    // The same URL, read by a caller who may not read authors: the relation is left out for them.
    const url = `/api/articles/${ids.first}?populate[author]=true&fields[0]=title`;
    await get(url, {}, 'full');
    const full = await get(url, {}, 'full');
    expect(cacheOf(full)).toBe('hit');
    expect(full.json().data.author).toMatchObject({ name: 'Ada' });
    const anonymous = [await get(url, {}, 'none'), await get(url, {}, 'none')];
    expect(anonymous.map(cacheOf)).toEqual(['miss', 'hit']);
    for (const res of anonymous) {
      expect(res.status).toBe(200);
      expect(res.json().data).not.toHaveProperty('author');
    }
    // Another scope with the same rights answers the same bytes from its own entry.
    const readOnly = await get(url, {}, 'read');
    expect(readOnly.status).toBe(200);
    expect(readOnly.body).toBe(full.body);
  });

  it('a custom token whose permissions change gets answers made under its new permissions', async () => {
    const tokens = t.node.admin.apiTokens;
    const superAdmin = new AdminAbility(true, []);
    const { token, accessKey } = await tokens.create(superAdmin, {
      name: 'custom-reader',
      type: 'custom',
      permissions: ['api::article.article.findOne'],
    });
    const auth = `Bearer ${accessKey}`;
    const url = `/api/articles/${ids.first}?populate[author]=true&fields[0]=title`;
    const read = () => t.request({ url, auth });
    expect((await read()).json().data).not.toHaveProperty('author');
    expect(cacheOf(await read())).toBe('hit');
    await tokens.update(superAdmin, token.id, {
      permissions: ['api::article.article.findOne', 'api::author.author.find'],
    });
    const after = await read();
    expect(after.status).toBe(200);
    expect(after.json().data.author).toMatchObject({ name: 'Ada' });
  });

  it('keeps answers across permission reloads that find the same grants', async () => {
    const url = '/api/articles?fields[0]=title&sort=title';
    await get(url, {}, 'none');
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(cacheOf(await get(url, {}, 'none'))).toBe('hit');
    }
  });

  it('never caches errors', async () => {
    for (let i = 0; i < 2; i++) {
      const missing = await get('/api/articles/no-such-document');
      expect(missing.status).toBe(404);
      expect(cacheOf(missing)).toBeUndefined();
      const invalid = await get('/api/articles?filters[nope][$eq]=1');
      expect(invalid.status).toBe(400);
      expect(cacheOf(invalid)).toBeUndefined();
    }
  });

  it('answers in the new shape after a schema change', async () => {
    const uid = 'api::gadget.gadget';
    const definition = (attributes: Record<string, unknown>) => ({
      kind: 'collectionType',
      collectionName: 'gadgets',
      info: { singularName: 'gadget', pluralName: 'gadgets', displayName: 'Gadget' },
      options: { draftAndPublish: false },
      attributes,
    });
    await t.node.changeSchema({
      kind: 'put',
      modelType: 'contentType',
      uid,
      definition: definition({ name: { type: 'string' } }),
    });
    await a.create('/api/gadgets', { name: 'g' });
    expect(Object.keys((await expectCurrent('/api/gadgets')).json().data[0])).not.toContain('color');
    expect(cacheOf(await get('/api/gadgets'))).toBe('hit');
    await t.node.changeSchema({
      kind: 'put',
      modelType: 'contentType',
      uid,
      definition: definition({ name: { type: 'string' }, color: { type: 'string' } }),
    });
    const after = await get('/api/gadgets');
    expect(cacheOf(after)).toBe('miss');
    expect(after.json().data[0]).toMatchObject({ name: 'g', color: null });
  });

  it('after any sequence of writes, every cached answer equals a fresh read (property)', async () => {
    const urls = [
      '/api/articles?sort=title&populate[author]=true&populate[category]=true',
      '/api/articles?filters[category][name][$startsWith]=C&fields[0]=title&sort=title',
      '/api/authors?sort=name&populate[articles][sort]=title',
      '/api/categories?sort=name&populate=articles',
      '/api/articles?sort=author.name:desc,title&fields[0]=title',
      `/api/authors/${ids.bob}?populate=articles`,
      '/api/articles?pagination[pageSize]=2&sort=title',
    ];
    const authors = [ids.ada, ids.bob];
    const categories = [ids.news, (await a.create('/api/categories', { name: 'Culture' })).documentId];
    const articles = [ids.first, ids.second];
    const pick = <T>(list: readonly T[], i: number) => list[i % list.length];
    const write = fc.oneof(
      fc.record({ op: fc.constant('renameAuthor'), i: fc.nat(), name: fc.constantFrom('Ada', 'Bob', 'Cy') }),
      fc.record({ op: fc.constant('renameCategory'), i: fc.nat(), name: fc.constantFrom('Culture', 'News') }),
      fc.record({ op: fc.constant('setAuthor'), i: fc.nat(), j: fc.nat() }),
      fc.record({ op: fc.constant('setCategory'), i: fc.nat(), j: fc.option(fc.nat()) }),
      fc.record({ op: fc.constant('createArticle'), i: fc.nat(), title: fc.constantFrom('A', 'M', 'Z') }),
      fc.record({ op: fc.constant('deleteArticle'), i: fc.nat() }),
    );
    type Write = { op: string; i: number; j?: number | null; name?: string; title?: string };
    const apply = async (w: Write) => {
      switch (w.op) {
        case 'renameAuthor':
          return a.update(`/api/authors/${pick(authors, w.i)}`, { name: w.name });
        case 'renameCategory':
          return a.update(`/api/categories/${pick(categories, w.i)}`, { name: w.name });
        case 'setAuthor':
          return a.update(`/api/articles/${pick(articles, w.i)}`, { author: pick(authors, w.j!) });
        case 'setCategory':
          return a.update(`/api/articles/${pick(articles, w.i)}`, {
            category: w.j === null ? null : pick(categories, w.j!),
          });
        case 'createArticle': {
          const created = await a.create('/api/articles', {
            title: w.title,
            author: pick(authors, w.i),
            category: pick(categories, w.i),
          });
          articles.push(created.documentId as string);
          return created;
        }
        case 'deleteArticle':
          // The two articles other tests read stay.
          if (articles.length <= 2) return undefined;
          return a.remove(`/api/articles/${articles.splice(2 + (w.i % (articles.length - 2)), 1)[0]}`);
      }
    };
    for (const url of urls) await get(url);
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 4 }), async (writes) => {
        for (const w of writes) {
          await apply(w as Write);
          for (const url of urls) await expectCurrent(url);
        }
      }),
      { numRuns: 15 },
    );
    const hits = t.node.metrics.registry.getSingleMetric('quorum_response_cache_requests_total');
    expect(JSON.stringify(await hits?.get())).toContain('"result":"hit"');
  });
});

describeEachDatabase('response cache default', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations' });
  });
  afterAll(() => t.close());

  // One node on SQLite sees every write; on PostgreSQL other nodes' writes arrive through the bus, so
  // caching is the operator's choice there (README, "Response cache").
  it(`is ${kind === 'sqlite' ? 'on' : 'off'} unless configured`, async () => {
    await t.request({ url: '/api/articles' });
    const second = await t.request({ url: '/api/articles' });
    expect(second.status).toBe(200);
    expect(second.headers['x-quorum-cache']).toBe(kind === 'sqlite' ? 'hit' : undefined);
  });
});

describe('response cache configuration', () => {
  it('refuses a ttl of zero and names the key', async () => {
    const { loadConfig } = await import('../../src/config/index.js');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const appDir = mkdtempSync(path.join(tmpdir(), 'quorum-cache-config-'));
    writeFileSync(
      path.join(appDir, 'quorum.config.json'),
      JSON.stringify({ cache: { responses: { ttlMs: 0 } } }),
    );
    expect(() => loadConfig({ appDir, env: {} })).toThrow(/cache\.responses\.ttlMs/);
  });
});
