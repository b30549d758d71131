import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

describeEachDatabase('relations, components and dynamic zones', (kind) => {
  let t: TestNode;
  const ids: Record<string, string> = {};
  const post = async (url: string, data: unknown) => {
    const res = await t.request({ method: 'POST', url, body: { data } });
    if (res.status !== 201) throw new Error(`${url}: ${res.status} ${res.body}`);
    return res.json().data;
  };

  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations' });
    ids.ada = (await post('/api/authors', { name: 'Ada' })).documentId;
    ids.bob = (await post('/api/authors', { name: 'Bob' })).documentId;
    ids.news = (await post('/api/categories', { name: 'News' })).documentId;
    ids.tagA = (await post('/api/tags', { name: 'a' })).documentId;
    ids.tagB = (await post('/api/tags', { name: 'b' })).documentId;
    const first = await post('/api/articles', {
      title: 'First',
      author: ids.ada,
      category: { documentId: ids.news },
      tags: [ids.tagB, ids.tagA],
      seo: { metaTitle: 'First SEO', metaDescription: 'd' },
      blocks: [
        { __component: 'shared.quote', title: 'Q1', body: 'quoted' },
        { __component: 'shared.rich-text', body: '# rich' },
        { __component: 'shared.quote', title: 'Q2' },
      ],
    });
    ids.first = first.documentId;
    ids.second = (
      await post('/api/articles', { title: 'Second', author: ids.bob, tags: { connect: [ids.tagA] } })
    ).documentId;
  });
  afterAll(() => t.close());

  it('omits relational attributes unless populated', async () => {
    const doc = (await t.request({ url: `/api/articles/${ids.first}` })).json().data;
    for (const key of ['author', 'category', 'tags', 'seo', 'blocks', 'cover'])
      expect(doc).not.toHaveProperty(key);
  });

  it('populates with *, lists, arrays and objects', async () => {
    const star = (await t.request({ url: `/api/articles/${ids.first}?populate=*` })).json().data;
    expect(star.author).toMatchObject({ documentId: ids.ada, name: 'Ada' });
    expect(star.author).not.toHaveProperty('email');
    expect(star.category).toMatchObject({ name: 'News' });
    expect(star.tags.map((tag: { name: string }) => tag.name)).toEqual(['b', 'a']);
    expect(star.seo).toEqual({ id: expect.any(Number), metaTitle: 'First SEO', metaDescription: 'd' });
    expect(star.blocks.map((b: { __component: string }) => b.__component)).toEqual([
      'shared.quote',
      'shared.rich-text',
      'shared.quote',
    ]);
    // Strapi 5.54 answers a zone entry with __component last (test/fixtures/strapi-export/answers/product-findone-populate-star.json).
    expect(Object.keys(star.blocks[0])).toEqual(['id', 'title', 'body', '__component']);
    expect(star.cover).toBeNull();
    expect(star.related).toEqual([]);
    expect(star.parent).toBeNull();

    const list = (await t.request({ url: `/api/articles/${ids.first}?populate=author,tags` })).json().data;
    expect(Object.keys(list)).toContain('author');
    expect(list).not.toHaveProperty('category');
    const arr = (
      await t.request({ url: `/api/articles/${ids.first}?populate[0]=author&populate[1]=seo` })
    ).json().data;
    expect(arr.seo.metaTitle).toBe('First SEO');
    const obj = (
      await t.request({ url: `/api/articles/${ids.first}?populate[author][fields][0]=name` })
    ).json().data;
    expect(obj.author).toEqual({ id: expect.any(Number), documentId: ids.ada, name: 'Ada' });
  });

  it('populates the inverse side and counts', async () => {
    const ada = (
      await t.request({ url: `/api/authors/${ids.ada}?populate[articles][fields][0]=title` })
    ).json().data;
    expect(ada.articles.map((a: { title: string }) => a.title)).toEqual(['First']);
    const tagA = (await t.request({ url: `/api/tags/${ids.tagA}?populate[articles][count]=true` })).json()
      .data;
    expect(tagA.articles).toEqual({ count: 2 });
    const nested = (
      await t.request({
        url: `/api/categories/${ids.news}?populate[articles][populate][author][fields][0]=name`,
      })
    ).json().data;
    expect(nested.articles[0].author.name).toBe('Ada');
  });

  it('filters and sorts through relations and components', async () => {
    const byAuthor = (await t.request({ url: `/api/articles?filters[author][name][$eq]=Bob` })).json().data;
    expect(byAuthor.map((a: { title: string }) => a.title)).toEqual(['Second']);
    const bySeo = (
      await t.request({ url: `/api/articles?filters[seo][metaTitle][$containsi]=first%20seo` })
    ).json().data;
    expect(bySeo.map((a: { title: string }) => a.title)).toEqual(['First']);
    const sorted = (await t.request({ url: `/api/articles?sort=author.name:desc&fields[0]=title` })).json()
      .data;
    expect(sorted.map((a: { title: string }) => a.title)).toEqual(['Second', 'First']);
    const dz = await t.request({ url: `/api/articles?filters[blocks][title][$eq]=Q1` });
    expect(dz.status).toBe(400);
  });

  it('keeps relation writes in the draft until published', async () => {
    await t.request({
      method: 'PUT',
      url: `/api/articles/${ids.second}?status=draft`,
      body: { data: { author: ids.ada } },
    });
    const published = (await t.request({ url: `/api/articles/${ids.second}?populate=author` })).json().data;
    expect(published.author.name).toBe('Bob');
    const draft = (
      await t.request({ url: `/api/articles/${ids.second}?populate=author&status=draft` })
    ).json().data;
    expect(draft.author.name).toBe('Ada');
  });

  it('rejects relations to missing documents with 400', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/articles',
      body: { data: { title: 'X', author: 'doesnotexist0000000000000' } },
    });
    expect(res.status).toBe(400);
    expect(res.json().error.details.errors[0].path).toEqual(['author']);
  });

  it('writes single types with required components and repeatable nested components', async () => {
    const bad = await t.request({
      method: 'PUT',
      url: '/api/global',
      body: { data: { siteName: 'S', defaultSeo: { metaDescription: 'x' } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json().error.details.errors[0].path).toEqual(['defaultSeo', 'metaTitle']);
    const ok = await t.request({
      method: 'PUT',
      url: '/api/global?populate[defaultSeo]=true&populate[menus][populate][links]=true&populate[menus][populate][page]=true',
      body: {
        data: {
          siteName: 'S',
          defaultSeo: { metaTitle: 'Site' },
          menus: [
            { title: 'Main', links: [{ label: 'Home', url: '/' }, { label: 'Blog' }], page: ids.first },
          ],
        },
      },
    });
    expect(ok.status).toBe(200);
    const global = ok.json().data;
    expect(global.defaultSeo.metaTitle).toBe('Site');
    expect(global.menus[0].links.map((l: { label: string }) => l.label)).toEqual(['Home', 'Blog']);
    expect(global.menus[0].page.title).toBe('First');
  });
});
