import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bracketQuery, expectError, expectInvalidKey, sdkQuery, type Doc } from '../helpers/content-query.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { api, pluck, type Api } from '../helpers/relations.js';

/*
 * `populate` in every form of reference §3.5, invalid populate keys (§2.3), deep filters through relations
 * and components (§3.1) and sorts by relation and component paths (§3.4). The data set (fresh database):
 *   Alpha   author Ada, category news,  tags [t1, t2], seo "Alpha SEO"/"first", blocks quote Q1, rich-text, quote Q2, media
 *   Bravo   author Bob, category news,  tags [t2],     seo "bravo seo",         blocks rich-text; related [Alpha]; parent Alpha
 *   Charlie no author,  category sport, tags [],       no seo,                  no blocks; reviewer Ada
 */

const ARTICLE_SCALARS = ['id', 'documentId', 'title', 'slug', 'createdAt', 'updatedAt', 'publishedAt'];
const ARTICLE_RELATIONAL = [
  'author',
  'category',
  'tags',
  'related',
  'parent',
  'reviewer',
  'seo',
  'blocks',
  'cover',
  'owner',
];
const AUTHOR_SCALARS = ['id', 'documentId', 'name', 'createdAt', 'updatedAt', 'publishedAt'];
const sorted = (keys: readonly string[]) => [...keys].sort();

describeEachDatabase('populate, deep filters and relation sorts', (kind) => {
  let t: TestNode;
  let a: Api;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations' });
    a = api(t);
    const id = async (url: string, data: object) => (await a.create(url, data)).documentId as string;
    ids.ada = await id('/api/authors', { name: 'Ada', email: 'ada@example.com' });
    ids.bob = await id('/api/authors', { name: 'Bob' });
    ids.profile = await id('/api/profiles', { bio: 'Ada bio' });
    await a.update(`/api/authors/${ids.ada}`, { profile: ids.profile });
    ids.news = await id('/api/categories', { name: 'news' });
    ids.sport = await id('/api/categories', { name: 'sport' });
    ids.t1 = await id('/api/tags', { name: 't1' });
    ids.t2 = await id('/api/tags', { name: 't2' });
    ids.t3 = await id('/api/tags', { name: 't3' });
    await a.update(`/api/categories/${ids.sport}`, { secretNotes: [ids.t3] });
    ids.alpha = await id('/api/articles', {
      title: 'Alpha',
      author: ids.ada,
      category: ids.news,
      tags: [ids.t1, ids.t2],
      seo: { metaTitle: 'Alpha SEO', metaDescription: 'first' },
      blocks: [
        { __component: 'shared.quote', title: 'Q1', body: 'quoted' },
        { __component: 'shared.rich-text', body: '# rich' },
        { __component: 'shared.quote', title: 'Q2', body: null },
        { __component: 'shared.media' },
      ],
    });
    ids.bravo = await id('/api/articles', {
      title: 'Bravo',
      author: ids.bob,
      category: ids.news,
      tags: [ids.t2],
      seo: { metaTitle: 'bravo seo' },
      blocks: [{ __component: 'shared.rich-text', body: 'bravo text' }],
      related: [ids.alpha],
      parent: ids.alpha,
    });
    ids.charlie = await id('/api/articles', { title: 'Charlie', category: ids.sport, reviewer: ids.ada });
    await a.update('/api/global', {
      siteName: 'Site',
      defaultSeo: { metaTitle: 'Default' },
      menus: [{ title: 'Main', links: [{ label: 'Home', url: '/' }], page: ids.alpha }],
    });
  });
  afterAll(() => t.close());

  const one = (id: string, query: string) => a.read(`/api/articles/${id}?${query}`);
  const titles = async (query: string) => pluck(await a.list(`/api/articles?fields[0]=title&${query}`));

  describe('forms of populate', () => {
    it('without populate, relations, media, components and dynamic zones are absent', async () => {
      const doc = await a.read(`/api/articles/${ids.alpha}`);
      expect(Object.keys(doc)).toEqual(ARTICLE_SCALARS);
      for (const item of await a.list('/api/articles')) expect(Object.keys(item)).toEqual(ARTICLE_SCALARS);
      const only = await one(ids.alpha, 'populate=author');
      expect(sorted(Object.keys(only))).toEqual(sorted([...ARTICLE_SCALARS, 'author']));
      expect(Object.keys(only.author)).toEqual(AUTHOR_SCALARS);
    });

    it('populate=* fills every first-level relation, media, component and dynamic zone, and nothing deeper', async () => {
      const doc = await one(ids.alpha, 'populate=*');
      expect(sorted(Object.keys(doc))).toEqual(sorted([...ARTICLE_SCALARS, ...ARTICLE_RELATIONAL]));
      expect(Object.keys(doc.author)).toEqual(AUTHOR_SCALARS);
      expect(doc.author.documentId).toBe(ids.ada);
      expect(doc.category).toEqual(await a.read(`/api/categories/${ids.news}`));
      expect(pluck(doc.tags, 'name')).toEqual(['t1', 't2']);
      expect(doc.related).toEqual([]);
      expect(doc.parent).toBeNull();
      expect(doc.reviewer).toBeNull();
      expect(doc.cover).toBeNull();
      expect(doc.owner).toBeNull();
      // Components: first level only (seo.shareImage is a media attribute one level down).
      expect(doc.seo).toEqual({ id: expect.any(Number), metaTitle: 'Alpha SEO', metaDescription: 'first' });
      expect(doc.blocks).toEqual([
        { __component: 'shared.quote', id: expect.any(Number), title: 'Q1', body: 'quoted' },
        { __component: 'shared.rich-text', id: expect.any(Number), body: '# rich' },
        { __component: 'shared.quote', id: expect.any(Number), title: 'Q2', body: null },
        { __component: 'shared.media', id: expect.any(Number) },
      ]);
      // The same in a list, for every document.
      const list = await a.list('/api/articles?populate=*');
      expect(list.map((d) => sorted(Object.keys(d)))).toEqual(
        Array(3).fill(sorted([...ARTICLE_SCALARS, ...ARTICLE_RELATIONAL])),
      );
      const charlie = list.find((d) => d.title === 'Charlie')!;
      expect([charlie.author, charlie.tags, charlie.seo, charlie.blocks, charlie.related]).toEqual([
        null,
        [],
        null,
        [],
        [],
      ]);
      expect((charlie.reviewer as Doc).name).toBe('Ada');
      // Other types: private relations are never part of *, media is null, repeatable components are lists.
      const author = await a.read(`/api/authors/${ids.ada}?populate=*`);
      expect(sorted(Object.keys(author))).toEqual(
        sorted([...AUTHOR_SCALARS, 'articles', 'profile', 'avatar']),
      );
      expect(author.avatar).toBeNull();
      expect(author.profile.bio).toBe('Ada bio');
      expect(author.profile).not.toHaveProperty('author');
      const sport = await a.read(`/api/categories/${ids.sport}?populate=*`);
      expect(sport).not.toHaveProperty('secretNotes');
      expect(pluck(sport.articles)).toEqual(['Charlie']);
      const global = await a.read('/api/global?populate=*');
      expect(sorted(Object.keys(global))).toEqual(
        sorted([
          'id',
          'documentId',
          'siteName',
          'createdAt',
          'updatedAt',
          'publishedAt',
          'defaultSeo',
          'menus',
          'favicon',
        ]),
      );
      expect(global.menus).toEqual([{ id: expect.any(Number), title: 'Main' }]);
      expect(global.favicon).toBeNull();
    });

    it('comma lists, arrays and the object form name attributes one level down', async () => {
      const expectKeys = (doc: Doc, extra: string[]) =>
        expect(sorted(Object.keys(doc))).toEqual(sorted([...ARTICLE_SCALARS, ...extra]));
      expectKeys(await one(ids.alpha, 'populate=author,tags'), ['author', 'tags']);
      expectKeys(await one(ids.alpha, 'populate=author, seo ,blocks'), ['author', 'seo', 'blocks']);
      expectKeys(await one(ids.alpha, 'populate[0]=author&populate[1]=category'), ['author', 'category']);
      expectKeys(await one(ids.alpha, 'populate[0]=author,tags&populate[1]=seo'), ['author', 'tags', 'seo']);
      expectKeys(await one(ids.alpha, 'populate[author]=true&populate[tags]=*'), ['author', 'tags']);
      expectKeys(await one(ids.alpha, 'populate[author]=true&populate[tags]=false'), ['author']);
      expectKeys(await one(ids.alpha, `${sdkQuery({ populate: { author: true, seo: true } })}`), [
        'author',
        'seo',
      ]);
      expectKeys(await one(ids.alpha, `${bracketQuery({ populate: ['blocks', 'category'] })}`), [
        'blocks',
        'category',
      ]);
      const doc = await one(ids.alpha, 'populate=author,tags');
      expect(doc.author).not.toHaveProperty('articles');
      expect(doc.tags[0]).not.toHaveProperty('articles');
    });

    it('dotted paths populate nested relations and component attributes', async () => {
      const doc = await one(ids.alpha, 'populate=seo.shareImage');
      expect(doc.seo).toEqual({
        id: expect.any(Number),
        metaTitle: 'Alpha SEO',
        metaDescription: 'first',
        shareImage: null,
      });
      const nested = await one(ids.bravo, 'populate=author.articles');
      expect(Object.keys(nested.author)).toEqual([...AUTHOR_SCALARS, 'articles']);
      expect(pluck(nested.author.articles)).toEqual(['Bravo']);
      expect(nested.author.articles[0]).not.toHaveProperty('author');
      const deeper = await one(ids.bravo, 'populate[0]=parent.author.profile&populate[1]=tags');
      expect(deeper.parent.title).toBe('Alpha');
      expect(deeper.parent.author.name).toBe('Ada');
      expect(deeper.parent.author.profile.bio).toBe('Ada bio');
      expect(deeper.parent).not.toHaveProperty('tags');
      expect(pluck(deeper.tags, 'name')).toEqual(['t2']);
      // Two paths through the same attribute merge.
      const merged = await one(ids.bravo, 'populate=parent.author,parent.tags');
      expect(sorted(Object.keys(merged.parent))).toEqual(sorted([...ARTICLE_SCALARS, 'author', 'tags']));
    });

    it('the object form takes nested populate, fields, filters and sort', async () => {
      const doc = await one(
        ids.alpha,
        bracketQuery({
          fields: ['title'],
          populate: {
            author: { fields: ['name'], populate: { articles: { fields: ['title'], sort: ['title:desc'] } } },
            tags: { fields: ['name'], sort: 'name:desc' },
            category: {
              fields: ['name'],
              populate: { articles: { fields: ['title'], filters: { title: { $ne: 'Alpha' } } } },
            },
            seo: { fields: ['metaTitle'] },
          },
        }),
      );
      expect(doc).toEqual({
        id: expect.any(Number),
        documentId: ids.alpha,
        title: 'Alpha',
        author: {
          id: expect.any(Number),
          documentId: ids.ada,
          name: 'Ada',
          articles: [{ id: expect.any(Number), documentId: ids.alpha, title: 'Alpha' }],
        },
        tags: [
          { id: expect.any(Number), documentId: ids.t2, name: 't2' },
          { id: expect.any(Number), documentId: ids.t1, name: 't1' },
        ],
        category: {
          id: expect.any(Number),
          documentId: ids.news,
          name: 'news',
          articles: [{ id: expect.any(Number), documentId: ids.bravo, title: 'Bravo' }],
        },
        seo: { id: expect.any(Number), metaTitle: 'Alpha SEO' },
      });
      // Filters inside populate on a to-one relation give null when nothing matches.
      const filtered = await one(
        ids.alpha,
        'populate[author][filters][name][$eq]=Nobody&populate[category][filters][name][$eq]=news',
      );
      expect(filtered.author).toBeNull();
      expect(filtered.category.name).toBe('news');
      // Sort inside populate by a relation path of the populated type.
      const cat = await a.read(
        `/api/categories/${ids.news}?populate[articles][sort]=author.name:desc&populate[articles][fields][0]=title`,
      );
      expect(pluck(cat.articles)).toEqual(['Bravo', 'Alpha']);
      // Filters inside populate through the populated type's own relations.
      const tag2 = await a.read(`/api/tags/${ids.t2}?populate[articles][filters][author][name][$eq]=Bob`);
      expect(pluck(tag2.articles)).toEqual(['Bravo']);
    });

    it('nested populate=* fills the next level of the populated attribute only', async () => {
      const doc = await one(ids.bravo, 'populate[author][populate]=*');
      expect(sorted(Object.keys(doc.author))).toEqual(
        sorted([...AUTHOR_SCALARS, 'articles', 'profile', 'avatar']),
      );
      expect(pluck(doc.author.articles)).toEqual(['Bravo']);
      expect(doc.author.profile).toBeNull();
      expect(doc.author.avatar).toBeNull();
      expect(doc.author.articles[0]).not.toHaveProperty('author');
      const parent = await one(ids.bravo, 'populate[parent][populate]=*');
      expect(sorted(Object.keys(parent.parent))).toEqual(sorted([...ARTICLE_SCALARS, ...ARTICLE_RELATIONAL]));
      expect(parent.parent.author).not.toHaveProperty('articles');
      const global = await a.read('/api/global?populate[menus][populate]=*');
      expect(global.menus).toEqual([
        {
          id: expect.any(Number),
          title: 'Main',
          links: [{ id: expect.any(Number), label: 'Home', url: '/' }],
          page: expect.objectContaining({ documentId: ids.alpha, title: 'Alpha' }),
        },
      ]);
      expect(global.menus[0].page).not.toHaveProperty('seo');
    });

    it('dynamic zones populate with true and with populate=*', async () => {
      const plain = await one(ids.alpha, 'populate[blocks]=true');
      expect(plain.blocks.map((b: Doc) => b.__component)).toEqual([
        'shared.quote',
        'shared.rich-text',
        'shared.quote',
        'shared.media',
      ]);
      const deep = await one(ids.alpha, 'populate[blocks][populate]=*');
      expect(deep.blocks[3]).toEqual({ __component: 'shared.media', id: expect.any(Number), file: null });
    });

    it('dynamic-zone `on` fragments return only the listed component types, each shaped by its fragment', async () => {
      const fragment = await one(ids.alpha, 'populate[blocks][on][shared.quote][fields][0]=title');
      expect(fragment.blocks).toEqual([
        { __component: 'shared.quote', id: expect.any(Number), title: 'Q1' },
        { __component: 'shared.quote', id: expect.any(Number), title: 'Q2' },
      ]);
      const two = await one(
        ids.alpha,
        'populate[blocks][on][shared.rich-text]=true&populate[blocks][on][shared.media][populate][file]=true',
      );
      expect(two.blocks).toEqual([
        { __component: 'shared.rich-text', id: expect.any(Number), body: '# rich' },
        { __component: 'shared.media', id: expect.any(Number), file: null },
      ]);
      const list = await a.list(
        `/api/articles?fields[0]=title&${sdkQuery({ populate: { blocks: { on: { 'shared.rich-text': { fields: ['body'] } } } } })}`,
      );
      expect(list.map((d) => [d.title, (d.blocks as Doc[]).map((b) => b.body)])).toEqual([
        ['Alpha', ['# rich']],
        ['Bravo', ['bravo text']],
        ['Charlie', []],
      ]);
      const landing = await a.create('/api/landings', {
        title: 'L',
        sections: [
          { __component: 'shared.menu', title: 'Nav', links: [{ label: 'x' }], page: ids.bravo },
          { __component: 'shared.quote', title: 'q' },
        ],
      });
      const shaped = await a.read(
        `/api/landings/${landing.documentId}?populate[sections][on][shared.menu][populate][page][fields][0]=title&populate[sections][on][shared.menu][fields][0]=title`,
      );
      expect(shaped.sections).toEqual([
        {
          __component: 'shared.menu',
          id: expect.any(Number),
          title: 'Nav',
          page: { id: expect.any(Number), documentId: ids.bravo, title: 'Bravo' },
        },
      ]);
    });

    it('count returns { count } for to-many relations, following filters and status', async () => {
      const doc = await one(ids.alpha, 'populate[tags][count]=true&populate[related][count]=true');
      expect(doc.tags).toEqual({ count: 2 });
      expect(doc.related).toEqual({ count: 0 });
      const list = await a.list('/api/articles?fields[0]=title&populate[tags][count]=true');
      expect(list.map((d) => [d.title, d.tags])).toEqual([
        ['Alpha', { count: 2 }],
        ['Bravo', { count: 1 }],
        ['Charlie', { count: 0 }],
      ]);
      expect((await a.read(`/api/tags/${ids.t2}?populate[articles][count]=true`)).articles).toEqual({
        count: 2,
      });
      expect((await a.read(`/api/tags/${ids.t2}?populate[articles][count]=1`)).articles).toEqual({
        count: 2,
      });
      expect(
        (
          await a.read(
            `/api/tags/${ids.t2}?populate[articles][count]=true&populate[articles][filters][title][$eq]=Bravo`,
          )
        ).articles,
      ).toEqual({ count: 1 });
      expect(pluck((await a.read(`/api/tags/${ids.t2}?populate[articles][count]=false`)).articles)).toEqual([
        'Alpha',
        'Bravo',
      ]);
      expect((await a.read(`/api/categories/${ids.news}?populate[articles][count]=true`)).articles).toEqual({
        count: 2,
      });
    });

    it('count on a to-one relation counts 0 or 1 (Strapi’s xToOne populate honours count)', async () => {
      const list = await a.list('/api/articles?fields[0]=title&populate[author][count]=true');
      expect(list.map((d) => [d.title, d.author])).toEqual([
        ['Alpha', { count: 1 }],
        ['Bravo', { count: 1 }],
        ['Charlie', { count: 0 }],
      ]);
    });

    it('fields at the root combine with populate', async () => {
      const doc = await one(ids.alpha, 'fields[0]=title&populate[author][fields][0]=name');
      expect(doc).toEqual({
        id: expect.any(Number),
        documentId: ids.alpha,
        title: 'Alpha',
        author: { id: expect.any(Number), documentId: ids.ada, name: 'Ada' },
      });
    });
  });

  describe('invalid populate', () => {
    it('scalar, unknown and private attributes are 400 Invalid key', async () => {
      expectInvalidKey(await a.get('/api/articles?populate=title'), 'title', 'populate');
      expectInvalidKey(await a.get('/api/articles?populate=nope'), 'nope', 'populate');
      expectInvalidKey(await a.get('/api/articles?populate[0]=author&populate[1]=nope'), 'nope', 'populate');
      expectInvalidKey(await a.get('/api/articles?populate[nope]=true'), 'nope', 'populate');
      expectInvalidKey(await a.get('/api/articles?populate=author,Title'), 'Title', 'populate');
      expectInvalidKey(await a.get(`/api/articles/${ids.alpha}?populate=slug`), 'slug', 'populate');
      expectInvalidKey(await a.get('/api/articles?populate[author][populate]=name'), 'name', 'populate');
      expectInvalidKey(await a.get('/api/articles?populate=author.nope'), 'nope', 'populate');
      expectInvalidKey(await a.get('/api/articles?populate=seo.metaTitle'), 'metaTitle', 'populate');
      expectInvalidKey(await a.get('/api/categories?populate=secretNotes'), 'secretNotes', 'populate');
      expectInvalidKey(await a.get('/api/categories?populate[secretNotes]=true'), 'secretNotes', 'populate');
      expectInvalidKey(
        await a.get('/api/articles?populate[category][populate]=secretNotes'),
        'secretNotes',
        'populate',
      );
      expectInvalidKey(await a.get('/api/authors?populate=email'), 'email', 'populate');
      expectInvalidKey(await a.get('/api/global?populate=siteName'), 'siteName', 'populate');
      expectInvalidKey(await a.get('/api/global?populate[menus][populate]=title'), 'title', 'populate');
    });

    it('invalid keys inside populate objects (fields, filters, sort, unknown options) are 400', async () => {
      const cases = [
        'populate[author][fields][0]=articles',
        'populate[author][fields][0]=email',
        'populate[author][filters][nope][$eq]=x',
        'populate[author][filters][email][$eq]=x',
        'populate[author][sort]=nope',
        'populate[author][sort]=email:asc',
        'populate[author][nope]=1',
        'populate[author][status]=draft',
        'populate[seo][fields][0]=shareImage',
        'populate[tags][filters][name][$fake]=x',
      ];
      for (const query of cases) {
        const res = await a.get(`/api/articles?${query}`);
        const error = expectError(res, 400, 'ValidationError');
        expect(error.message, query).toMatch(/^Invalid key \S+/);
      }
    });

    it('`on` is only for dynamic zones; unknown fragments and malformed zone populates are 400', async () => {
      for (const query of [
        'populate[author][on][api::author.author]=true',
        'populate[seo][on][shared.seo]=true',
        'populate[tags][on][x]=true',
      ]) {
        const res = await a.get(`/api/articles?${query}`);
        const error = expectError(res, 400, 'ValidationError');
        const attribute = query.slice('populate['.length, query.indexOf(']'));
        expect(error.message).toContain(`Using fragments is not permitted to populate ${attribute}`);
      }
      expectInvalidKey(
        await a.get('/api/articles?populate[blocks][on][shared.nope]=true'),
        'shared.nope',
        'populate',
      );
      for (const query of [
        'populate[blocks][populate]=title',
        'populate[blocks][populate][shared.quote]=true',
        'populate[blocks][fields][0]=title',
        'populate[blocks][on]=shared.quote',
        'populate[blocks][on][shared.quote][nope]=1',
        'populate[blocks][on][shared.quote][fields][0]=nope',
        'populate[blocks][on][shared.quote][populate]=title',
      ]) {
        expectError(await a.get(`/api/articles?${query}`), 400, 'ValidationError');
      }
    });

    it('a non-boolean count and pagination inside populate are 400', async () => {
      for (const query of [
        'populate[tags][count]=yes',
        'populate[tags][count][0]=true',
        'populate[tags][count][x]=1',
        'populate[tags][pagination][page]=1',
        'populate[tags][pagination][pageSize]=1',
        'populate[tags][page]=1',
        'populate[tags][pageSize]=1',
        'populate[tags][start]=0',
        'populate[tags][limit]=1',
      ]) {
        const res = await a.get(`/api/articles?${query}`);
        const error = expectError(res, 400, ['ValidationError', 'PaginationError']);
        expect(error.details.param ?? 'populate', query).toBe('populate');
      }
    });

    it('malformed populate values are 400, never 500', async () => {
      for (const query of [
        'populate[author]=yes',
        'populate[author]=0',
        'populate[author][populate][0][x]=1',
        'populate[0][0]=author',
        'populate[author][fields][x][y]=1',
      ]) {
        const res = await a.get(`/api/articles?${query}`);
        expect(res.status, `${query}: ${res.body}`).toBeGreaterThanOrEqual(200);
        expect(res.status, `${query}: ${res.body}`).toBeLessThan(500);
        if (res.status !== 200) expectError(res, 400, 'ValidationError');
      }
    });
  });

  describe('deep filters', () => {
    it('through a to-one relation, a component and a to-many relation', async () => {
      expect(await titles('filters[author][name][$eq]=Ada')).toEqual(['Alpha']);
      expect(await titles('filters[author][name][$eqi]=BOB')).toEqual(['Bravo']);
      expect(await titles('filters[seo][metaTitle][$containsi]=SEO')).toEqual(['Alpha', 'Bravo']);
      expect(await titles('filters[seo][metaTitle][$contains]=SEO')).toEqual(['Alpha']);
      expect(await titles('filters[seo][metaDescription][$null]=true&filters[seo][$notNull]=true')).toEqual([
        'Bravo',
      ]);
      expect(await titles('filters[tags][name][$in][0]=t1&filters[tags][name][$in][1]=t3')).toEqual([
        'Alpha',
      ]);
      expect(await titles('filters[tags][name][$eq]=t2')).toEqual(['Alpha', 'Bravo']);
      expect(await titles('filters[category][name][$eq]=news&sort=title:desc')).toEqual(['Bravo', 'Alpha']);
    });

    it('$null / $notNull on relations and components', async () => {
      expect(await titles('filters[author][$null]=true')).toEqual(['Charlie']);
      expect(await titles('filters[author][$notNull]=true')).toEqual(['Alpha', 'Bravo']);
      expect(await titles('filters[seo][$null]=true')).toEqual(['Charlie']);
      expect(await titles('filters[parent][$notNull]=true')).toEqual(['Bravo']);
    });

    it('by documentId and id of the related document, and through several hops', async () => {
      expect(await titles(`filters[author][documentId][$eq]=${ids.bob}`)).toEqual(['Bravo']);
      const adaId = (await a.read(`/api/authors/${ids.ada}`)).id;
      expect(await titles(`filters[author][id][$eq]=${adaId}`)).toEqual(['Alpha']);
      expect(await titles('filters[category][articles][title][$eq]=Bravo')).toEqual(['Alpha', 'Bravo']);
      expect(await titles('filters[author][profile][bio][$startsWith]=Ada')).toEqual(['Alpha']);
      expect(await titles('filters[related][author][name][$eq]=Ada')).toEqual(['Bravo']);
      expect(
        pluck(await a.list('/api/authors?filters[articles][tags][name][$eq]=t2&sort=name'), 'name'),
      ).toEqual(['Ada', 'Bob']);
      expect(pluck(await a.list('/api/tags?filters[articles][author][name][$eq]=Bob'), 'name')).toEqual([
        't2',
      ]);
    });

    it('combined with logical operators', async () => {
      expect(
        await titles('filters[$or][0][author][name][$eq]=Bob&filters[$or][1][tags][name][$eq]=t1'),
      ).toEqual(['Alpha', 'Bravo']);
      expect(
        await titles('filters[$and][0][tags][name][$eq]=t2&filters[$and][1][author][name][$ne]=Ada'),
      ).toEqual(['Bravo']);
      expect(
        await titles(bracketQuery({ filters: { author: { $or: [{ name: 'Ada' }, { name: 'Bob' }] } } })),
      ).toEqual(['Alpha', 'Bravo']);
    });

    it('filtering into a dynamic zone, a private attribute or an unknown path is 400 Invalid key', async () => {
      expectInvalidKey(await a.get('/api/articles?filters[blocks][title][$eq]=Q1'), 'blocks', 'filters');
      expectInvalidKey(await a.get('/api/articles?filters[blocks][$null]=true'), 'blocks', 'filters');
      expectInvalidKey(
        await a.get('/api/articles?filters[$or][0][blocks][title][$eq]=Q1'),
        'blocks',
        'filters',
      );
      expectInvalidKey(
        await a.get('/api/articles?filters[author][email][$eq]=ada@example.com'),
        'email',
        'filters',
      );
      expectInvalidKey(await a.get('/api/articles?filters[author][nope][$eq]=x'), 'nope', 'filters');
      expectInvalidKey(await a.get('/api/articles?filters[seo][nope][$eq]=x'), 'nope', 'filters');
      expectInvalidKey(
        await a.get('/api/categories?filters[secretNotes][name][$eq]=t3'),
        'secretNotes',
        'filters',
      );
      expectInvalidKey(await a.get('/api/articles?filters[author][name][$nope]=x'), '$nope', 'filters');
    });
  });

  describe('sorting by relation and component paths', () => {
    const withAuthor = 'filters[author][$notNull]=true';
    it('sort=author.name:desc, sort[author][name]=asc and arrays of both', async () => {
      expect(await titles(`${withAuthor}&sort=author.name:desc`)).toEqual(['Bravo', 'Alpha']);
      expect(await titles(`${withAuthor}&sort=author.name:asc`)).toEqual(['Alpha', 'Bravo']);
      expect(await titles(`${withAuthor}&sort=author.name`)).toEqual(['Alpha', 'Bravo']);
      expect(await titles(`${withAuthor}&sort[author][name]=desc`)).toEqual(['Bravo', 'Alpha']);
      expect(await titles(`${withAuthor}&sort[0][author][name]=desc`)).toEqual(['Bravo', 'Alpha']);
      expect(await titles(`${withAuthor}&sort[0]=author.name:DESC`)).toEqual(['Bravo', 'Alpha']);
      expect(await titles(`${sdkQuery({ sort: ['category.name:desc', 'title:desc'] })}`)).toEqual([
        'Charlie',
        'Bravo',
        'Alpha',
      ]);
      // Two hops: the bravo article's parent is Alpha (author Ada); only Bravo has a parent.
      expect(await titles('filters[parent][$notNull]=true&sort=parent.author.name:desc')).toEqual(['Bravo']);
      expect(
        pluck(await a.list('/api/authors?sort=profile.bio:desc&filters[profile][$notNull]=true'), 'name'),
      ).toEqual(['Ada']);
    });

    it('sort by component fields', async () => {
      const withSeo = 'filters[seo][$notNull]=true';
      expect(await titles(`${withSeo}&sort=seo.metaTitle:asc`)).toEqual(['Alpha', 'Bravo']);
      expect(await titles(`${withSeo}&sort=seo.metaTitle:desc`)).toEqual(['Bravo', 'Alpha']);
      expect(await titles(`${withSeo}&sort[seo][metaTitle]=desc`)).toEqual(['Bravo', 'Alpha']);
      const global = await a.read('/api/global?populate=defaultSeo');
      expect(global.defaultSeo.metaTitle).toBe('Default');
    });

    const badSorts = [
      ['sort=author', 'author'],
      ['sort=author:asc', 'author'],
      ['sort=seo', 'seo'],
      ['sort=author.nope', 'nope'],
      ['sort=author.email:asc', 'email'],
      ['sort[author][email]=asc', 'email'],
      ['sort=blocks.title', 'blocks'],
      ['sort=seo.nope:desc', 'nope'],
    ] as const;

    it('sorting by a relation or component without a scalar, a dynamic zone, a private or unknown path is 400', async () => {
      for (const [query] of badSorts) {
        const error = expectError(await a.get(`/api/articles?${query}`), 400, 'ValidationError');
        expect(error.message, query).toMatch(/^Invalid key /);
      }
      expectError(await a.get('/api/articles?sort=author.name:up'), 400, 'ValidationError');
      expectError(await a.get('/api/articles?sort[author][name]=up'), 400, 'ValidationError');
    });

    it('the Invalid key of a bad sort path names the offending attribute, as Strapi’s validator does', async () => {
      for (const [query, key] of badSorts) {
        const error = (await a.get(`/api/articles?${query}`)).json().error;
        expect(error.details.key, query).toBe(key);
        expect(error.details.param, query).toBe('sort');
      }
    });
  });
});
