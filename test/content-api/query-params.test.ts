import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import {
  bracketQuery,
  createDocuments,
  expectError,
  expectInvalidKey,
  sdkQuery,
  type Doc,
} from '../helpers/content-query.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { KITCHEN_ARTICLE_KEYS } from '../helpers/kitchen.js';

/*
 * sort, fields, pagination, _q, unknown parameters and the "Invalid key" errors of GET /api/:plural
 * (Strapi v5 reference §2.3, §3.2–§3.6). Article groups are told apart by `code` (SRT for sorting and
 * fields, QQQ for search); pagination runs on 105 tags.
 */

/** Created in this order, so the default (primary-key) order differs from every sorted order. */
const SORT_ROWS: Doc[] = [
  { title: 'cherry', views: 2, rating: 2.5, big: '10', day: '2024-03-01', kind: 'news', price: 3.5 },
  { title: 'apple', views: 3, rating: 1, big: '9', day: '2024-01-01' },
  { title: 'elder', views: 1, rating: 3.5, big: '9007199254740993', day: '2024-02-01' },
  { title: 'banana', views: 3, rating: 0.5, big: '-5', day: '2024-05-01' },
  { title: 'date', views: 1, rating: 4, big: '100', day: '2024-04-01' },
  { title: 'fig', views: 2, rating: 5, big: '9007199254740992', day: '2024-06-01' },
].map((row) => ({ ...row, code: 'SRT' }));
const CREATION_ORDER = SORT_ROWS.map((row) => row.title as string);

const SEARCH_ROWS: Doc[] = [
  { title: 'Needle in the title' },
  { title: 'q-summary', summary: 'a needle in the summary' },
  { title: 'q-body', body: 'NEEDLE in the body' },
  { title: 'q-email', contact: 'needle@example.com' },
  { title: 'q-slug', slug: 'needle-slug' },
  { title: 'q-internal', internal: 'needle-internal-only' },
  { title: 'q-secret', secret: 'needle-secret-only' },
  { title: 'q-password', password: 'needle-password' },
  { title: 'q-unicode', summary: 'ΣΑΣ CAFÉ İstanbul' },
  { title: 'q-percent', summary: '50% off' },
  { title: 'q-underscore', summary: 'snake_case' },
  { title: 'q-plain', summary: 'nothing here' },
].map((row) => ({ ...row, code: 'QQQ' }));
const NEEDLES = ['Needle in the title', 'q-summary', 'q-body', 'q-email', 'q-slug'];

/** Every key an article has in a response without `fields`: no private or password attribute. */
const ARTICLE_KEYS = [...KITCHEN_ARTICLE_KEYS].sort();

const TAG_COUNT = 105;
const tagName = (i: number) => `tag-${String(i).padStart(3, '0')}`;
const tagNames = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => tagName(from + i));

describeEachDatabase('content API query parameters', (kind) => {
  let t: TestNode;
  let sortDocs: Doc[];

  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
    sortDocs = await createDocuments(t, 'articles', SORT_ROWS);
    await createDocuments(t, 'articles', [{ title: 'plum', code: 'SRT', views: 0 }], { status: 'draft' });
    await createDocuments(t, 'articles', SEARCH_ROWS);
    await createDocuments(t, 'articles', [{ title: 'q-draft', code: 'QQQ', summary: 'a needle draft' }], {
      status: 'draft',
    });
    await createDocuments(
      t,
      'tags',
      Array.from({ length: TAG_COUNT }, (_, i) => ({ name: tagName(i) })),
    );
  });
  afterAll(() => t.close());

  async function get(url: string): Promise<{ data: Doc[]; meta: Record<string, unknown> }> {
    const res = await t.request({ url });
    expect(res.status, `${url} → ${res.body}`).toBe(200);
    return res.json();
  }

  /** Titles of the sort rows, in response order. */
  async function sorted(query: string): Promise<string[]> {
    const { data } = await get(`/api/articles?filters[code]=SRT&${query}`);
    return data.map((d) => d.title as string);
  }

  describe('sort', () => {
    const byTitle = [...CREATION_ORDER].sort();
    const byViewsThenId = ['elder', 'date', 'cherry', 'fig', 'apple', 'banana'];
    // Ties follow the direction of the last sort key (id descending under desc): the whole order reverses.
    const byViewsDescThenId = [...byViewsThenId].reverse();
    const byViewsDescTitleDesc = ['banana', 'apple', 'fig', 'cherry', 'elder', 'date'];

    it('returns primary-key (creation) order without sort', async () => {
      expect(await sorted('')).toEqual(CREATION_ORDER);
      const { data } = await get('/api/articles?filters[code]=SRT');
      const ids = data.map((d) => d.id as number);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(ids).toEqual(sortDocs.map((d) => d.id));
    });

    it.each<[string, string, string[]]>([
      ['a bare attribute sorts ascending', 'sort=title', byTitle],
      [':asc', 'sort=title:asc', byTitle],
      [':desc', 'sort=title:desc', [...byTitle].reverse()],
      [':DESC (any case)', 'sort=title:DESC', [...byTitle].reverse()],
      [':Desc (any case)', 'sort=title:Desc', [...byTitle].reverse()],
      [':ASC (any case)', 'sort=title:ASC', byTitle],
      ['ties are broken by id, ascending', 'sort=views', byViewsThenId],
      ['ties are broken by id in the direction of the last key', 'sort=views:desc', byViewsDescThenId],
      ['comma list', 'sort=views:desc,title:desc', byViewsDescTitleDesc],
      [
        'comma list with spaces',
        `sort=${encodeURIComponent('views:desc, title:desc')}`,
        byViewsDescTitleDesc,
      ],
      ['array of strings', 'sort[0]=views:desc&sort[1]=title:desc', byViewsDescTitleDesc],
      [
        'array of strings, SDK-encoded',
        sdkQuery({ sort: ['views:desc', 'title:desc'] }),
        byViewsDescTitleDesc,
      ],
      ['object form', 'sort[title]=desc', [...byTitle].reverse()],
      ['object form, DESC', 'sort[title]=DESC', [...byTitle].reverse()],
      ['object form with two keys, in key order', 'sort[views]=desc&sort[title]=desc', byViewsDescTitleDesc],
      ['array of objects', 'sort[0][views]=desc&sort[1][title]=desc', byViewsDescTitleDesc],
      ['array of objects, any case', 'sort[0][views]=Desc&sort[1][title]=dEsC', byViewsDescTitleDesc],
      [
        'array of objects, SDK-encoded',
        sdkQuery({ sort: [{ views: 'desc' }, { title: 'desc' }] }),
        byViewsDescTitleDesc,
      ],
      [
        'array of objects, literal brackets',
        bracketQuery({ sort: [{ views: 'desc' }, { title: 'desc' }] }),
        byViewsDescTitleDesc,
      ],
      ['float', 'sort=rating', ['banana', 'apple', 'cherry', 'elder', 'date', 'fig']],
      [
        'biginteger sorts numerically and exactly beyond 2^53',
        'sort=big',
        ['banana', 'apple', 'cherry', 'date', 'fig', 'elder'],
      ],
      ['date, descending', 'sort=day:desc', ['fig', 'banana', 'date', 'cherry', 'elder', 'apple']],
      ['id ascending', 'sort=id', CREATION_ORDER],
      ['id descending', 'sort=id:desc', [...CREATION_ORDER].reverse()],
    ])('%s: %s', async (_name, query, expected) => {
      expect(await sorted(query)).toEqual(expected);
    });

    it('sorts NULL as the smallest value on every database, ties by id in the sort direction', async () => {
      // Only cherry has a kind and a price; the others are NULL.
      const nullsInIdOrder = CREATION_ORDER.filter((title) => title !== 'cherry');
      expect(await sorted('sort=kind')).toEqual([...nullsInIdOrder, 'cherry']);
      expect(await sorted('sort=kind:desc')).toEqual(['cherry', ...[...nullsInIdOrder].reverse()]);
      expect(await sorted('sort=price:asc')).toEqual([...nullsInIdOrder, 'cherry']);
      expect(await sorted('sort[0][price]=desc&sort[1][title]=desc')).toEqual([
        'cherry',
        ...[...nullsInIdOrder].sort().reverse(),
      ]);
    });

    it('sorts by documentId', async () => {
      const expected = [...sortDocs]
        .sort((a, b) => ((a.documentId as string) < (b.documentId as string) ? -1 : 1))
        .map((d) => d.title);
      expect(await sorted('sort=documentId')).toEqual(expected);
      expect(await sorted('sort=documentId:desc')).toEqual([...expected].reverse());
    });

    it('pages through a sort with ties without overlap or gaps', async () => {
      const pages: string[] = [];
      for (const page of [1, 2, 3]) {
        pages.push(...(await sorted(`sort=views&pagination[page]=${page}&pagination[pageSize]=2`)));
      }
      expect(pages).toEqual(byViewsThenId);
      expect(await sorted('sort=title&pagination[page]=2&pagination[pageSize]=2')).toEqual([
        'cherry',
        'date',
      ]);
    });

    it('sorts draft rows with status=draft', async () => {
      expect(await sorted('status=draft&sort=views')).toEqual(['plum', ...byViewsThenId]);
    });

    it.each(['sort=title:up', 'sort[title]=up', 'sort[0][title]=sideways', 'sort=title:asc:desc'])(
      'rejects an invalid direction with a 400: %s',
      async (query) => {
        const res = await t.request({ url: `/api/articles?${query}` });
        expectError(res, 400, ['ValidationError', 'ApplicationError']);
      },
    );
    it.each(['sort[title][0]=asc', 'sort[title]=', 'sort[title][nested]=asc', 'sort=title:'])(
      'answers a malformed sort with a 400, never a 500: %s',
      async (query) => {
        const res = await t.request({ url: `/api/articles?${query}` });
        expect(res.status, res.body).toBe(400);
        expect(res.json().error.name).toBe('ValidationError');
      },
    );
  });

  describe('fields', () => {
    async function keysOf(query: string): Promise<string[][]> {
      const { data } = await get(`/api/articles?filters[code]=SRT&${query}`);
      expect(data).toHaveLength(SORT_ROWS.length);
      return data.map((d) => Object.keys(d).sort());
    }

    it('returns every non-private attribute without fields', async () => {
      for (const keys of await keysOf('')) expect(keys).toEqual(ARTICLE_KEYS);
    });

    it.each<[string, string, string[]]>([
      ['one field', 'fields=title', ['title']],
      ['comma list', 'fields=title,views', ['title', 'views']],
      ['comma list with spaces', `fields=${encodeURIComponent('title, views')}`, ['title', 'views']],
      ['array', 'fields[0]=title&fields[1]=views', ['title', 'views']],
      ['array, SDK-encoded', sdkQuery({ fields: ['title', 'views'] }), ['title', 'views']],
      ['id only', 'fields=id', []],
      ['documentId only', 'fields=documentId', []],
      ['system timestamps', 'fields=createdAt,publishedAt', ['createdAt', 'publishedAt']],
      ['typed values', 'fields=big,day,rating', ['big', 'day', 'rating']],
    ])('%s: %s', async (_name, query, extra) => {
      const expected = ['id', 'documentId', ...extra].sort();
      for (const keys of await keysOf(query)) expect(keys).toEqual(expected);
    });

    it.each(['fields=*', 'fields[0]=*', sdkQuery({ fields: ['*'] })])(
      '%s means every field',
      async (query) => {
        for (const keys of await keysOf(query)) expect(keys).toEqual(ARTICLE_KEYS);
      },
    );

    it('returns the selected values unchanged', async () => {
      const { data } = await get('/api/articles?filters[code]=SRT&fields=title,big&sort=id');
      expect(data).toEqual(
        sortDocs.map((d) => ({ id: d.id, documentId: d.documentId, title: d.title, big: d.big })),
      );
      expect(data[2].big).toBe('9007199254740993');
    });

    it('combines with sort on an unselected attribute', async () => {
      const { data } = await get('/api/articles?filters[code]=SRT&fields=title&sort=views:desc,title:desc');
      expect(data.map((d) => d.title)).toEqual(['banana', 'apple', 'fig', 'cherry', 'elder', 'date']);
      for (const d of data) expect(Object.keys(d).sort()).toEqual(['documentId', 'id', 'title']);
    });

    it('applies to the documents create and update return', async () => {
      const created = await t.request({
        method: 'POST',
        url: '/api/articles?status=draft&fields=title',
        body: { data: { title: 'fields on write', views: 7 } },
      });
      expect(created.status, created.body).toBe(201);
      const { data } = created.json();
      expect(Object.keys(data).sort()).toEqual(['documentId', 'id', 'title']);
      expect(data.title).toBe('fields on write');
      const updated = await t.request({
        method: 'PUT',
        url: `/api/articles/${data.documentId}?status=draft&fields[0]=views&fields[1]=publishedAt`,
        body: { data: { views: 8 } },
      });
      expect(updated.status, updated.body).toBe(200);
      expect(updated.json().data).toEqual({
        id: data.id,
        documentId: data.documentId,
        views: 8,
        publishedAt: null,
      });
    });

    it.each(['fields[a]=title', 'fields[0][0]=title', 'fields[0][a]=title'])(
      'answers a malformed fields parameter with a 400, never a 500: %s',
      async (query) => {
        const res = await t.request({ url: `/api/articles?${query}` });
        expectError(res, 400, 'ValidationError');
      },
    );

    it('applies to findOne', async () => {
      const target = sortDocs[0];
      const res = await t.request({ url: `/api/articles/${target.documentId}?fields=title,kind` });
      expect(res.status, res.body).toBe(200);
      expect(res.json()).toEqual({
        data: { id: target.id, documentId: target.documentId, title: 'cherry', kind: 'news' },
        meta: {},
      });
    });
  });

  describe('pagination', () => {
    async function tags(query: string): Promise<{ names: string[]; pagination: unknown }> {
      const { data, meta } = await get(`/api/tags?${query}`);
      expect(Object.keys(meta)).toEqual(['pagination']);
      return { names: data.map((d) => d.name as string), pagination: meta.pagination };
    }

    it('defaults to page 1 of 25 with the count', async () => {
      expect(await tags('')).toEqual({
        names: tagNames(0, 25),
        pagination: { page: 1, pageSize: 25, pageCount: 5, total: TAG_COUNT },
      });
    });

    it.each<[string, string, string[], unknown]>([
      [
        'page mode',
        'pagination[page]=2&pagination[pageSize]=10',
        tagNames(10, 20),
        { page: 2, pageSize: 10, pageCount: 11, total: TAG_COUNT },
      ],
      [
        'page mode, SDK-encoded',
        sdkQuery({ pagination: { page: 2, pageSize: 10 } }),
        tagNames(10, 20),
        { page: 2, pageSize: 10, pageCount: 11, total: TAG_COUNT },
      ],
      [
        'the last, partial page',
        'pagination[page]=11&pagination[pageSize]=10',
        tagNames(100, 105),
        { page: 11, pageSize: 10, pageCount: 11, total: TAG_COUNT },
      ],
      [
        'a page past the end',
        'pagination[page]=50',
        [],
        { page: 50, pageSize: 25, pageCount: 5, total: TAG_COUNT },
      ],
      [
        'page only',
        'pagination[page]=3',
        tagNames(50, 75),
        { page: 3, pageSize: 25, pageCount: 5, total: TAG_COUNT },
      ],
      [
        'pageSize only',
        'pagination[pageSize]=7',
        tagNames(0, 7),
        { page: 1, pageSize: 7, pageCount: 15, total: TAG_COUNT },
      ],
      [
        'pageSize at maxLimit',
        'pagination[pageSize]=100',
        tagNames(0, 100),
        { page: 1, pageSize: 100, pageCount: 2, total: TAG_COUNT },
      ],
      [
        'pageSize above maxLimit is clamped to 100',
        'pagination[pageSize]=1000',
        tagNames(0, 100),
        { page: 1, pageSize: 100, pageCount: 2, total: TAG_COUNT },
      ],
      [
        'pageSize 101 is clamped to 100',
        'pagination[page]=2&pagination[pageSize]=101',
        tagNames(100, 105),
        { page: 2, pageSize: 100, pageCount: 2, total: TAG_COUNT },
      ],
      [
        'pageSize 0 is clamped to 1',
        'pagination[pageSize]=0',
        [tagName(0)],
        { page: 1, pageSize: 1, pageCount: TAG_COUNT, total: TAG_COUNT },
      ],
      [
        'a negative pageSize is clamped to 1',
        'pagination[page]=2&pagination[pageSize]=-3',
        [tagName(1)],
        { page: 2, pageSize: 1, pageCount: TAG_COUNT, total: TAG_COUNT },
      ],
      [
        'offset mode',
        'pagination[start]=10&pagination[limit]=5',
        tagNames(10, 15),
        { start: 10, limit: 5, total: TAG_COUNT },
      ],
      [
        'offset mode, SDK-encoded',
        sdkQuery({ pagination: { start: 10, limit: 5 } }),
        tagNames(10, 15),
        { start: 10, limit: 5, total: TAG_COUNT },
      ],
      [
        'start only',
        'pagination[start]=100',
        tagNames(100, 105),
        { start: 100, limit: 25, total: TAG_COUNT },
      ],
      ['limit only', 'pagination[limit]=3', tagNames(0, 3), { start: 0, limit: 3, total: TAG_COUNT }],
      [
        'limit above maxLimit is clamped to 100',
        'pagination[limit]=500',
        tagNames(0, 100),
        { start: 0, limit: 100, total: TAG_COUNT },
      ],
      // Lenient values, as a default Strapi 5.54 app answers them (measured; reference §2.5).
      [
        'limit=-1 reads one row, as Strapi 5.54 answers',
        'pagination[start]=2&pagination[limit]=-1',
        [tagName(2)],
        { start: 2, limit: 1, total: TAG_COUNT },
      ],
      [
        'limit=0 reads one row',
        'pagination[limit]=0',
        [tagName(0)],
        { start: 0, limit: 1, total: TAG_COUNT },
      ],
      [
        'a limit that is no number reads maxLimit',
        'pagination[limit]=abc',
        tagNames(0, 100),
        { start: 0, limit: 100, total: TAG_COUNT },
      ],
      [
        'a negative start reads from 0',
        'pagination[start]=-1&pagination[limit]=2',
        tagNames(0, 2),
        { start: 0, limit: 2, total: TAG_COUNT },
      ],
      [
        'page 0 reads page 1',
        'pagination[page]=0&pagination[pageSize]=2',
        tagNames(0, 2),
        { page: 1, pageSize: 2, pageCount: 53, total: TAG_COUNT },
      ],
      [
        'page -1 reads page 1',
        'pagination[page]=-1&pagination[pageSize]=2',
        tagNames(0, 2),
        { page: 1, pageSize: 2, pageCount: 53, total: TAG_COUNT },
      ],
      [
        'an empty page reads page 1',
        'pagination[page]=',
        tagNames(0, 25),
        { page: 1, pageSize: 25, pageCount: 5, total: TAG_COUNT },
      ],
      [
        'a pageSize that is no number reads maxLimit',
        'pagination[pageSize]=abc',
        tagNames(0, 100),
        { page: 1, pageSize: 100, pageCount: 2, total: TAG_COUNT },
      ],
      [
        'start past the end',
        'pagination[start]=200&pagination[limit]=5',
        [],
        { start: 200, limit: 5, total: TAG_COUNT },
      ],
    ])('%s: %s', async (_name, query, names, pagination) => {
      expect(await tags(query)).toEqual({ names, pagination });
    });

    it.each<[string, string, unknown]>([
      ['withCount=false, no other key', 'pagination[withCount]=false', { page: 1, pageSize: 25 }],
      [
        'withCount=false, page mode',
        'pagination[pageSize]=2&pagination[withCount]=false',
        { page: 1, pageSize: 2 },
      ],
      [
        'withCount=f',
        'pagination[page]=2&pagination[pageSize]=2&pagination[withCount]=f',
        { page: 2, pageSize: 2 },
      ],
      ['withCount=0', 'pagination[pageSize]=2&pagination[withCount]=0', { page: 1, pageSize: 2 }],
      [
        'withCount=false, offset mode',
        'pagination[start]=0&pagination[limit]=2&pagination[withCount]=false',
        { start: 0, limit: 2 },
      ],
      ['withCount=0, offset mode', 'pagination[limit]=2&pagination[withCount]=0', { start: 0, limit: 2 }],
      [
        'withCount=true',
        'pagination[pageSize]=2&pagination[withCount]=true',
        { page: 1, pageSize: 2, pageCount: 53, total: TAG_COUNT },
      ],
      [
        'withCount=t',
        'pagination[pageSize]=2&pagination[withCount]=t',
        { page: 1, pageSize: 2, pageCount: 53, total: TAG_COUNT },
      ],
      [
        'withCount=1, offset mode',
        'pagination[limit]=2&pagination[withCount]=1',
        { start: 0, limit: 2, total: TAG_COUNT },
      ],
    ])('%s: meta.pagination is exactly as Strapi shapes it', async (_name, query, pagination) => {
      expect((await tags(query)).pagination).toEqual(pagination);
    });

    it('reports pageCount 0 and total 0 for an empty result', async () => {
      expect(await tags('filters[name]=none')).toEqual({
        names: [],
        pagination: { page: 1, pageSize: 25, pageCount: 0, total: 0 },
      });
      expect(await tags('filters[name]=none&pagination[start]=0&pagination[limit]=10')).toEqual({
        names: [],
        pagination: { start: 0, limit: 10, total: 0 },
      });
    });

    it('counts only the rows of the requested status and filters', async () => {
      const published = await get(
        '/api/articles?filters[code]=SRT&pagination[page]=2&pagination[pageSize]=2',
      );
      expect(published.data.map((d) => d.title)).toEqual(['elder', 'banana']);
      expect(published.meta).toEqual({ pagination: { page: 2, pageSize: 2, pageCount: 3, total: 6 } });
      const drafts = await get('/api/articles?filters[code]=SRT&status=draft&pagination[pageSize]=2');
      expect(drafts.meta).toEqual({ pagination: { page: 1, pageSize: 2, pageCount: 4, total: 7 } });
    });

    it.each([
      'pagination[page]=1&pagination[limit]=10',
      'pagination[pageSize]=10&pagination[start]=0',
      'pagination[page]=1&pagination[pageSize]=10&pagination[start]=0&pagination[limit]=10',
      sdkQuery({ pagination: { page: 2, start: 5 } }),
    ])('rejects mixing page and offset keys with PaginationError: %s', async (query) => {
      const res = await t.request({ url: `/api/tags?${query}` });
      const error = expectError(res, 400, 'PaginationError');
      expect(error.message).toBe('Cannot use both page & offset pagination in the same query');
      expect(error.details).toEqual({});
    });

    it.each([
      ['pagination[page]=abc', 'NaN'],
      ['pagination[page]=1.5', '12.5'],
      ['pagination[page][0]=1', 'NaN'],
      ['pagination[start]=abc', 'NaN'],
      ['pagination[start]=1.5', '1.5'],
      ['pagination[start]=Infinity', 'Infinity'],
    ])('refuses a start that is no integer in Strapi 5.54 words: %s', async (query, received) => {
      // Measured on Strapi 5.54: the start is (page - 1) × pageSize, and its message names it.
      const error = expectError(await t.request({ url: `/api/tags?${query}` }), 400, 'ValidationError');
      expect(error.message).toBe(
        `Invalid parameter at 'start'. Expected integer >= 0, received: ${received}`,
      );
      expect(error.details).toEqual({});
    });

    it.each(['pagination=5', 'pagination[withCount]=maybe', 'pagination[withCount][0]=true'])(
      'answers an invalid value with a 400, never a 500: %s',
      async (query) => {
        const res = await t.request({ url: `/api/tags?${query}` });
        expectError(res, 400, ['PaginationError', 'ValidationError']);
      },
    );

    it('names the accepted withCount values', async () => {
      const res = await t.request({ url: '/api/tags?pagination[withCount]=yes' });
      const error = expectError(res, 400, 'ValidationError');
      expect(error.message).toMatch(/^Invalid withCount parameter/);
    });

    it('ignores start and limit outside pagination[…], as Strapi 5.54 does (measured)', async () => {
      expect((await tags('start=7&limit=3')).pagination).toEqual({
        page: 1,
        pageSize: 25,
        pageCount: 5,
        total: TAG_COUNT,
      });
    });

    it.each(['page=2', 'pageSize=5', 'page=abc', 'page=2&pageSize=5&start=7&limit=3'])(
      'refuses page and pageSize outside pagination[…], as Strapi 5.54 does (measured): %s',
      async (query) => {
        const error = expectError(await t.request({ url: `/api/tags?${query}` }), 400, 'ValidationError');
        expect(error.message).toBe(
          'Invalid pagination parameters. Cannot use both page-based (page, pageSize) and offset-based (start, limit) pagination in the same query.',
        );
      },
    );
  });

  describe('_q', () => {
    async function search(query: string): Promise<string[]> {
      const { data } = await get(`/api/articles?${query}`);
      return data.map((d) => d.title as string).sort();
    }
    const q = (value: string) => `_q=${encodeURIComponent(value)}`;

    it('searches every searchable text attribute: string, text, richtext, email, uid', async () => {
      expect(await search(q('needle'))).toEqual([...NEEDLES].sort());
    });

    it.each(['NEEDLE', 'nEeDlE', 'Needle'])('is case-insensitive: %s', async (value) => {
      expect(await search(q(value))).toEqual([...NEEDLES].sort());
    });

    it.each([
      ['a searchable: false attribute', 'needle-internal'],
      ['a private attribute', 'needle-secret'],
      ['a private attribute (whole value)', 'needle-secret-only'],
      ['a password attribute (plain text)', 'needle-password'],
      ['a password attribute (its hash)', 'argon2'],
    ])('never matches %s', async (_name, value) => {
      expect(await search(q(value))).toEqual([]);
    });

    it.each([
      ['CAFÉ', 'café'],
      ['σας', 'σας'],
      ['ΣΑΣ', 'ΣΑΣ'],
      ['İstanbul', 'İstanbul'],
      ['i\u0307stanbul', 'the lowercase form of İstanbul'],
    ])('folds Unicode case: %s (%s)', async (value) => {
      expect(await search(q(value))).toEqual(['q-unicode']);
    });

    it.each([
      ['%', ['q-percent']],
      ['0% off', ['q-percent']],
      ['_', ['q-underscore']],
      ['e_c', ['q-underscore']],
      ['*', []],
      ['\\', []],
    ])('matches %s literally', async (value, expected) => {
      expect(await search(q(value))).toEqual(expected);
    });

    it('returns everything for an empty _q', async () => {
      const all = await search('pagination[pageSize]=100');
      expect(all.length).toBe(SORT_ROWS.length + SEARCH_ROWS.length);
      expect(await search('_q=&pagination[pageSize]=100')).toEqual(all);
    });

    it('combines with filters, status, sort and pagination', async () => {
      expect(await search(`${q('needle')}&filters[title][$startsWith]=q-`)).toEqual([
        'q-body',
        'q-email',
        'q-slug',
        'q-summary',
      ]);
      expect(await search(`${q('needle')}&status=draft`)).toEqual([...NEEDLES, 'q-draft'].sort());
      const page = await get(`/api/articles?${q('needle')}&sort=title:desc&pagination[pageSize]=2`);
      expect(page.data.map((d) => d.title)).toEqual(['q-summary', 'q-slug']);
      expect(page.meta).toEqual({ pagination: { page: 1, pageSize: 2, pageCount: 3, total: 5 } });
    });

    it('rejects a _q that is not a string with a 400', async () => {
      expectError(await t.request({ url: '/api/articles?_q[0]=needle' }), 400, 'ValidationError');
      expectError(await t.request({ url: '/api/articles?_q[a]=needle' }), 400, 'ValidationError');
    });
  });

  // Issue 18: measured on a default Strapi 5.54 app (reference §2.5), an unknown top-level parameter is a
  // 400 `Invalid key <name>`, while the parameters Strapi knows (locale without i18n included) are not.
  describe('top-level parameters', () => {
    it('accepts the ones Strapi knows on find', async () => {
      const baseline = await t.request({ url: '/api/articles?filters[code]=SRT' });
      expect(baseline.status).toBe(200);
      for (const extra of ['locale=en', 'locale=fr', sdkQuery({ locale: 'fr' })]) {
        const res = await t.request({ url: `/api/articles?filters[code]=SRT&${extra}` });
        expect(res.status, extra).toBe(200);
        expect(res.json(), extra).toEqual(baseline.json());
      }
    });

    it.each([
      ['foo=bar', 'foo'],
      ['locale=en&foo=bar', 'foo'],
      ['where[id]=1', 'where'],
      ['publicationState=preview', 'publicationState'],
      ['foo', 'foo'],
      [sdkQuery({ locale: 'fr', search: { anything: ['x'] } }), 'search'],
    ])('refuses the others on find: %s', async (extra, key) => {
      const error = expectError(
        await t.request({ url: `/api/articles?filters[code]=SRT&${extra}` }),
        400,
        'ValidationError',
      );
      expect(error.message).toBe(`Invalid key ${key}`);
    });

    it('refuses them on findOne too', async () => {
      const target = sortDocs[1];
      const res = await t.request({ url: `/api/articles/${target.documentId}?locale=en&foo=bar` });
      expect(expectError(res, 400, 'ValidationError').message).toBe('Invalid key foo');
    });
  });

  describe('"Invalid key" errors', () => {
    it.each<[string, string, (string | null)?]>([
      ['filters[nope]=1', 'nope', null],
      ['filters[notAnAttribute]=', 'notAnAttribute', null],
      ['filters[$fakeOp]=false', '$fakeOp', null],
      ['filters[ID]=1', 'ID', null],
      ['filters[Title]=x', 'Title', null],
      ['filters[id][$STARTSWITH]=123', '$STARTSWITH'],
      ['filters[title][$STARTSWITH]=x', '$STARTSWITH'],
      ['filters[title][$EQ]=x', '$EQ'],
      ['filters[title][$fakeOp]=x', '$fakeOp'],
      ['filters[title][eq]=x', 'eq'],
      ['filters[secret]=x', 'secret'],
      ['filters[secret][$endsWith]=x', 'secret'],
      ['filters[secret][$not][$endsWith]=x', 'secret'],
      ['filters[$not][secret][$endsWith]=x', 'secret'],
      ['filters[secret][$in][0]=a&filters[secret][$in][1]=b', 'secret'],
      ['filters[secret][0]=a&filters[secret][1]=b', 'secret'],
      ['filters[secret][$null]=true', 'secret'],
      ['filters[password][$endsWith]=B', 'password'],
      ['filters[password][$contains]=x', 'password'],
      ['filters[$not][password][$endsWith]=B', 'password'],
      ['filters[password][$null]=true', 'password'],
      ['filters[$and][0][nope]=1', 'nope'],
      ['filters[$or][0][title]=x&filters[$or][1][secret]=y', 'secret'],
      [sdkQuery({ filters: { secret: { $eq: 'x' } } }), 'secret'],
      [sdkQuery({ filters: { title: { $Contains: 'x' } } }), '$Contains'],
    ])('filters: %s → Invalid key %s', async (query, key, path) => {
      expectInvalidKey(await t.request({ url: `/api/articles?${query}` }), key, 'filters', path);
    });

    it.each<[string, string, (string | null)?]>([
      ['sort=nope', 'nope', null],
      ['sort=nope:desc', 'nope', null],
      ['sort=ID', 'ID', null],
      ['sort=Title:asc', 'Title', null],
      ['sort=title:asc,nope:desc', 'nope', null],
      ['sort=secret', 'secret'],
      ['sort=secret:asc', 'secret'],
      ['sort=password:desc', 'password'],
      ['sort[0]=secret', 'secret'],
      ['sort[0]=title&sort[1]=password', 'password'],
      ['sort[secret]=asc', 'secret'],
      ['sort[0][password]=desc', 'password'],
      [sdkQuery({ sort: ['secret:desc'] }), 'secret'],
    ])('sort: %s → Invalid key %s', async (query, key, path) => {
      expectInvalidKey(await t.request({ url: `/api/articles?${query}` }), key, 'sort', path);
    });

    it.each<[string, string, (string | null)?]>([
      ['fields=nope', 'nope', null],
      ['fields[0]=nope', 'nope', null],
      ['fields=ID', 'ID', null],
      ['fields=Title', 'Title', null],
      ['fields=secret', 'secret'],
      ['fields[0]=password', 'password'],
      ['fields=title,secret', 'secret'],
      ['fields[0]=title&fields[1]=password', 'password'],
      [sdkQuery({ fields: ['title', 'secret'] }), 'secret'],
    ])('fields: %s → Invalid key %s', async (query, key, path) => {
      expectInvalidKey(await t.request({ url: `/api/articles?${query}` }), key, 'fields', path);
    });

    it('validates the query of findOne as well', async () => {
      const target = sortDocs[0].documentId as string;
      expectInvalidKey(
        await t.request({ url: `/api/articles/${target}?filters[nope]=1` }),
        'nope',
        'filters',
        null,
      );
      expectInvalidKey(await t.request({ url: `/api/articles/${target}?fields=secret` }), 'secret', 'fields');
      expectInvalidKey(await t.request({ url: `/api/articles/${target}?sort=password` }), 'password', 'sort');
    });

    it('accepts id and documentId everywhere', async () => {
      const res = await t.request({
        url: '/api/articles?filters[id][$gt]=0&filters[documentId][$notNull]=true&sort=documentId&fields=id,documentId&filters[code]=SRT',
      });
      expect(res.status, res.body).toBe(200);
      expect(res.json().data).toHaveLength(SORT_ROWS.length);
    });
  });
});
