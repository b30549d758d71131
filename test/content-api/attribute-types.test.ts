import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { KITCHEN_ARTICLE_KEYS } from '../helpers/kitchen.js';

/**
 * Round trip of every scalar attribute type of the kitchen fixture's article (reference §5.2): the input
 * forms Strapi accepts, and the exact JSON it answers with, identical on SQLite and PostgreSQL.
 */

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The keys of a default article response, in order (secret is private, password never returned). */
const ARTICLE_KEYS = KITCHEN_ARTICLE_KEYS;

const BLOCKS = [
  { type: 'heading', level: 2, children: [{ type: 'text', text: 'Title' }] },
  {
    type: 'paragraph',
    children: [
      { type: 'text', text: 'Hello ' },
      { type: 'text', text: 'world', bold: true, italic: true },
      { type: 'link', url: 'https://example.com', children: [{ type: 'text', text: 'link' }] },
    ],
  },
  {
    type: 'list',
    format: 'ordered',
    children: [{ type: 'list-item', children: [{ type: 'text', text: 'one' }] }],
  },
  { type: 'code', children: [{ type: 'text', text: 'const x = 1;' }] },
];

/** Every attribute except id/documentId/timestamps, as the API must return them after the full create below. */
const FULL_INPUT = {
  title: 'Every type — ünïcødé ✓ 😀',
  slug: 'every-type_1.0~x',
  body: '# Heading\n\nSome **markdown** with `code` and a [link](https://example.com).\n',
  summary: 'A summary with\nnew lines\tand tabs',
  views: 42,
  rating: 4.5,
  price: 19.99,
  big: '9223372036854775807',
  featured: true,
  day: '2024-03-06',
  time: '13:42:05.098',
  at: '2024-03-06T13:42:05.098Z',
  stamp: '2024-03-06T13:42:05.098Z',
  meta: { nested: { list: [1, 'two', true, null, { three: 3 }] }, empty: {}, unicode: 'é😀' },
  content: BLOCKS,
  kind: 'tutorial',
  contact: 'someone@example.com',
  secret: 'do not tell',
  password: 'hunter22',
  code: 'ABC',
  internal: 'internal note',
};

const FULL_OUTPUT = {
  title: 'Every type — ünïcødé ✓ 😀',
  slug: 'every-type_1.0~x',
  body: '# Heading\n\nSome **markdown** with `code` and a [link](https://example.com).\n',
  summary: 'A summary with\nnew lines\tand tabs',
  views: 42,
  rating: 4.5,
  price: 19.99,
  big: '9223372036854775807',
  featured: true,
  day: '2024-03-06',
  time: '13:42:05.098',
  at: '2024-03-06T13:42:05.098Z',
  stamp: '1709732525098',
  meta: { nested: { list: [1, 'two', true, null, { three: 3 }] }, empty: {}, unicode: 'é😀' },
  content: BLOCKS,
  kind: 'tutorial',
  contact: 'someone@example.com',
  code: 'ABC',
  internal: 'internal note',
};

describeEachDatabase('attribute types: input forms and exact output', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
  });
  afterAll(() => t.close());

  let counter = 0;
  /** Creates a published article with `data` (a unique title is added when none is given). */
  async function create(data: Record<string, unknown>, query = ''): Promise<Record<string, unknown>> {
    const res = await t.request({
      method: 'POST',
      url: `/api/articles${query}`,
      body: { data: { title: `article ${++counter}`, ...data } },
    });
    expect(res.status, res.body).toBe(201);
    return res.json().data;
  }

  /** Creates an article with `{ [attribute]: value }` and returns that attribute's value as answered. */
  async function roundTrip(attribute: string, value: unknown): Promise<unknown> {
    const created = await create({ [attribute]: value });
    const read = await t.request({ url: `/api/articles/${created.documentId as string}` });
    expect(read.status).toBe(200);
    // What a write answers and what a later read answers are the same value.
    expect(read.json().data[attribute]).toEqual(created[attribute]);
    return created[attribute];
  }

  function withoutSystemFields(doc: Record<string, unknown>): Record<string, unknown> {
    const { id, documentId, createdAt, updatedAt, publishedAt, ...rest } = doc;
    expect(typeof id).toBe('number');
    expect(documentId).toMatch(/^[a-z0-9]{24}$/);
    expect(createdAt).toMatch(ISO_MS);
    expect(updatedAt).toMatch(ISO_MS);
    expect(publishedAt).toMatch(ISO_MS);
    return rest;
  }

  it('creates a document with every type set and answers the exact JSON, in schema order', async () => {
    const res = await t.request({ method: 'POST', url: '/api/articles', body: { data: FULL_INPUT } });
    expect(res.status, res.body).toBe(201);
    const { data, meta } = res.json();
    expect(meta).toEqual({});
    expect(Object.keys(data)).toEqual(ARTICLE_KEYS);
    expect(withoutSystemFields(data)).toEqual(FULL_OUTPUT);

    // The same document through every read path: findOne, find, the draft, fields=*.
    const one = await t.request({ url: `/api/articles/${data.documentId}` });
    expect(one.json()).toEqual({ data, meta: {} });
    const list = await t.request({ url: `/api/articles?filters[documentId][$eq]=${data.documentId}` });
    expect(list.json().data).toEqual([data]);
    const star = await t.request({ url: `/api/articles/${data.documentId}?fields=*` });
    expect(star.json().data).toEqual(data);
    const draft = (await t.request({ url: `/api/articles/${data.documentId}?status=draft` })).json().data;
    expect(Object.keys(draft)).toEqual(ARTICLE_KEYS);
    expect(draft.publishedAt).toBeNull();
    const { id: _a, publishedAt: _b, ...draftRest } = draft;
    const { id: _c, publishedAt: _d, ...publishedRest } = data;
    expect(draftRest).toEqual(publishedRest);
  });

  it('answers null for every attribute that was never set', async () => {
    const res = await t.request({ method: 'POST', url: '/api/articles', body: { data: { title: 'Bare' } } });
    expect(res.status).toBe(201);
    const data = res.json().data;
    expect(Object.keys(data)).toEqual(ARTICLE_KEYS);
    expect(withoutSystemFields(data)).toEqual({
      title: 'Bare',
      slug: null,
      body: null,
      summary: null,
      views: 0,
      rating: null,
      price: null,
      big: null,
      featured: false,
      day: null,
      time: null,
      at: null,
      stamp: null,
      meta: null,
      content: null,
      kind: null,
      contact: null,
      code: null,
      internal: null,
    });
  });

  it('integer: numbers and numeric strings, returned as numbers', async () => {
    expect(await roundTrip('views', 7)).toBe(7);
    expect(await roundTrip('views', '42')).toBe(42);
    expect(await roundTrip('views', 0)).toBe(0);
    expect(await roundTrip('views', 2147483647)).toBe(2147483647);
    expect(await roundTrip('views', '1e3')).toBe(1000);
  });

  it('float and decimal: numbers and numeric strings, returned as numbers', async () => {
    expect(await roundTrip('rating', 3.25)).toBe(3.25);
    expect(await roundTrip('rating', '2.5')).toBe(2.5);
    expect(await roundTrip('rating', 5)).toBe(5);
    expect(await roundTrip('rating', 0.1)).toBe(0.1);
    expect(await roundTrip('price', '12.34')).toBe(12.34);
    expect(await roundTrip('price', -0.5)).toBe(-0.5);
    expect(await roundTrip('price', 1234567.891)).toBe(1234567.891);
    expect(await roundTrip('price', 0)).toBe(0);
  });

  it('biginteger: strings beyond 2^53 kept exactly, numbers accepted, always returned as a string', async () => {
    expect(await roundTrip('big', '9007199254740993')).toBe('9007199254740993');
    expect(await roundTrip('big', '-9223372036854775808')).toBe('-9223372036854775808');
    expect(await roundTrip('big', '9223372036854775807')).toBe('9223372036854775807');
    expect(await roundTrip('big', 42)).toBe('42');
    expect(await roundTrip('big', '0')).toBe('0');
    expect(await roundTrip('big', -17)).toBe('-17');
  });

  it('biginteger: filters compare exactly beyond 2^53', async () => {
    // As doubles both are 9007199254740996: only an exact comparison tells them apart.
    const a = await create({ big: '9007199254740997' });
    await create({ big: '9007199254740996' });
    const res = await t.request({ url: '/api/articles?filters[big][$eq]=9007199254740997&fields=big' });
    expect(res.status).toBe(200);
    expect(res.json().data).toEqual([{ id: a.id, documentId: a.documentId, big: '9007199254740997' }]);
    const range = await t.request({
      url: '/api/articles?filters[big][$gt]=9007199254740996&filters[big][$lt]=9007199254740998&fields=big',
    });
    expect(range.json().data).toEqual([{ id: a.id, documentId: a.documentId, big: '9007199254740997' }]);
  });

  it('boolean: true/false and the strings true,t,1 / false,f,0', async () => {
    for (const value of [true, 'true', 't', '1']) expect(await roundTrip('featured', value)).toBe(true);
    for (const value of [false, 'false', 'f', '0']) expect(await roundTrip('featured', value)).toBe(false);
  });

  it('date: YYYY-MM-DD in and out; a longer ISO string is cut to its date', async () => {
    expect(await roundTrip('day', '2024-02-29')).toBe('2024-02-29');
    expect(await roundTrip('day', '0001-01-01')).toBe('0001-01-01');
    expect(await roundTrip('day', '9999-12-31')).toBe('9999-12-31');
    expect(await roundTrip('day', '2024-03-06T23:59:59.000Z')).toBe('2024-03-06');
  });

  it('time: HH:mm, HH:mm:ss and HH:mm:ss.SSS in, always HH:mm:ss.SSS out', async () => {
    expect(await roundTrip('time', '13:42')).toBe('13:42:00.000');
    expect(await roundTrip('time', '13:42:05')).toBe('13:42:05.000');
    expect(await roundTrip('time', '13:42:05.098')).toBe('13:42:05.098');
    expect(await roundTrip('time', '13:42:05.5')).toBe('13:42:05.500');
    expect(await roundTrip('time', '00:00:00.000')).toBe('00:00:00.000');
    expect(await roundTrip('time', '23:59:59.999')).toBe('23:59:59.999');
  });

  it('datetime: ISO strings with any offset and epoch milliseconds, returned as ISO UTC with ms', async () => {
    expect(await roundTrip('at', '2024-03-06T13:42:05.098Z')).toBe('2024-03-06T13:42:05.098Z');
    expect(await roundTrip('at', '2024-03-06T13:42:05Z')).toBe('2024-03-06T13:42:05.000Z');
    expect(await roundTrip('at', '2024-03-06T15:42:05+02:00')).toBe('2024-03-06T13:42:05.000Z');
    expect(await roundTrip('at', '2024-03-06T08:42:05.5-05:00')).toBe('2024-03-06T13:42:05.500Z');
    expect(await roundTrip('at', '2024-03-07T01:12:05.098+11:30')).toBe('2024-03-06T13:42:05.098Z');
    expect(await roundTrip('at', 1709732525098)).toBe('2024-03-06T13:42:05.098Z');
    expect(await roundTrip('at', 0)).toBe('1970-01-01T00:00:00.000Z');
  });

  it('timestamp: ISO strings and epoch milliseconds in, a string of epoch milliseconds out', async () => {
    expect(await roundTrip('stamp', '2024-03-06T13:42:05.098Z')).toBe('1709732525098');
    expect(await roundTrip('stamp', '2024-03-06T15:42:05.098+02:00')).toBe('1709732525098');
    expect(await roundTrip('stamp', 1709732525098)).toBe('1709732525098');
    expect(await roundTrip('stamp', '1970-01-01T00:00:00.000Z')).toBe('0');
  });

  it('json: objects, arrays, strings, numbers, booleans and null are kept as sent', async () => {
    const object = { a: 1, b: { c: [1, 2, { d: 'e' }] }, 'key with spaces': null, emoji: '😀' };
    expect(await roundTrip('meta', object)).toEqual(object);
    expect(await roundTrip('meta', [1, 'two', { three: 3 }, [4], null])).toEqual([
      1,
      'two',
      { three: 3 },
      [4],
      null,
    ]);
    expect(await roundTrip('meta', [])).toEqual([]);
    expect(await roundTrip('meta', {})).toEqual({});
    expect(await roundTrip('meta', 'just a string')).toBe('just a string');
    // A string that looks like JSON stays a string.
    expect(await roundTrip('meta', '{"a":1}')).toBe('{"a":1}');
    expect(await roundTrip('meta', '')).toBe('');
    expect(await roundTrip('meta', 42)).toBe(42);
    expect(await roundTrip('meta', -1.5)).toBe(-1.5);
    expect(await roundTrip('meta', 0)).toBe(0);
    expect(await roundTrip('meta', true)).toBe(true);
    expect(await roundTrip('meta', false)).toBe(false);
    expect(await roundTrip('meta', null)).toBeNull();
  });

  it('blocks: an array of block nodes is kept as sent', async () => {
    expect(await roundTrip('content', BLOCKS)).toEqual(BLOCKS);
    expect(await roundTrip('content', [])).toEqual([]);
    const image = [
      {
        type: 'image',
        image: { url: '/uploads/a.png', alternativeText: 'A', width: 10, height: 20 },
        children: [{ type: 'text', text: '' }],
      },
    ];
    expect(await roundTrip('content', image)).toEqual(image);
  });

  it('enumeration, email, uid, string, text and richtext: strings kept exactly', async () => {
    expect(await roundTrip('kind', 'news')).toBe('news');
    expect(await roundTrip('kind', 'opinion')).toBe('opinion');
    expect(await roundTrip('contact', 'first.last+tag@sub.example.org')).toBe(
      'first.last+tag@sub.example.org',
    );
    expect(await roundTrip('slug', 'A-z_0.9~')).toBe('A-z_0.9~');
    expect(await roundTrip('internal', '  spaces kept  ')).toBe('  spaces kept  ');
    expect(await roundTrip('summary', 'Ünïcode — “quotes” 😀 \\ % _ \' "')).toBe(
      'Ünïcode — “quotes” 😀 \\ % _ \' "',
    );
    const markdown = '## Title\n\n- item\n- item\n\n```js\nconst a = "<b>";\n```\n';
    expect(await roundTrip('body', markdown)).toBe(markdown);
  });

  it('applies defaults on create only, and never overwrites a value with its default on update', async () => {
    const created = await create({});
    expect(created.views).toBe(0);
    expect(created.featured).toBe(false);

    const explicit = await create({ views: 5, featured: true });
    expect(explicit).toMatchObject({ views: 5, featured: true });

    // Clear the defaulted fields, then update something else: they stay null (no default on update).
    const cleared = await t.request({
      method: 'PUT',
      url: `/api/articles/${created.documentId as string}`,
      body: { data: { views: null, featured: null } },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.json().data).toMatchObject({ views: null, featured: null });
    const touched = await t.request({
      method: 'PUT',
      url: `/api/articles/${created.documentId as string}`,
      body: { data: { summary: 'touched' } },
    });
    expect(touched.status).toBe(200);
    expect(touched.json().data).toMatchObject({ summary: 'touched', views: null, featured: null });

    // A draft created with status=draft gets the defaults too.
    const draft = await create({}, '?status=draft');
    expect(draft).toMatchObject({ views: 0, featured: false, publishedAt: null });
  });

  it('null clears every optional attribute on update (draft and published alike)', async () => {
    const created = await create({ ...FULL_INPUT, title: 'To clear', slug: 'to-clear' });
    const res = await t.request({
      method: 'PUT',
      url: `/api/articles/${created.documentId as string}`,
      body: {
        data: {
          slug: null,
          body: null,
          summary: null,
          views: null,
          rating: null,
          price: null,
          big: null,
          featured: null,
          day: null,
          time: null,
          at: null,
          stamp: null,
          meta: null,
          content: null,
          kind: null,
          contact: null,
          secret: null,
          password: null,
          code: null,
          internal: null,
        },
      },
    });
    expect(res.status, res.body).toBe(200);
    const expected = {
      title: 'To clear',
      slug: null,
      body: null,
      summary: null,
      views: null,
      rating: null,
      price: null,
      big: null,
      featured: null,
      day: null,
      time: null,
      at: null,
      stamp: null,
      meta: null,
      content: null,
      kind: null,
      contact: null,
      code: null,
      internal: null,
    };
    expect(Object.keys(res.json().data)).toEqual(ARTICLE_KEYS);
    expect(withoutSystemFields(res.json().data)).toEqual(expected);
    const draft = await t.request({ url: `/api/articles/${created.documentId as string}?status=draft` });
    const {
      id: _i,
      documentId: _d,
      createdAt: _c,
      updatedAt: _u,
      publishedAt,
      ...draftRest
    } = draft.json().data;
    expect(publishedAt).toBeNull();
    expect(draftRest).toEqual(expected);
  });

  it('keeps values that an update does not name (partial update)', async () => {
    const created = await create({ ...FULL_INPUT, title: 'Partial', slug: 'partial' });
    const res = await t.request({
      method: 'PUT',
      url: `/api/articles/${created.documentId as string}`,
      body: { data: { views: '43' } },
    });
    expect(res.status).toBe(200);
    expect(withoutSystemFields(res.json().data)).toEqual({
      ...FULL_OUTPUT,
      title: 'Partial',
      slug: 'partial',
      views: 43,
    });
  });

  it('single types round-trip their attributes too', async () => {
    const res = await t.request({
      method: 'PUT',
      url: '/api/setting',
      body: { data: { siteName: 'Ünïcode site', maintenance: 't' } },
    });
    expect(res.status).toBe(200);
    const data = res.json().data;
    expect(Object.keys(data)).toEqual([
      'id',
      'documentId',
      'siteName',
      'maintenance',
      'createdAt',
      'updatedAt',
      'publishedAt',
    ]);
    expect(data).toMatchObject({ siteName: 'Ünïcode site', maintenance: true });
    const cleared = await t.request({
      method: 'PUT',
      url: '/api/setting',
      body: { data: { maintenance: null } },
    });
    expect(cleared.json().data).toMatchObject({ siteName: 'Ünïcode site', maintenance: null });
  });
});

describeEachDatabase('password and private attributes', (kind) => {
  let t: TestNode;
  let documentId: string;
  const PASSWORD = 'correct horse battery staple';
  const SECRET = 'the private value';

  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
    const res = await t.request({
      method: 'POST',
      url: '/api/articles',
      body: { data: { title: 'Guarded', password: PASSWORD, secret: SECRET } },
    });
    expect(res.status).toBe(201);
    documentId = res.json().data.documentId;
  });
  afterAll(() => t.close());

  function assertHidden(body: string): void {
    expect(body).not.toContain(PASSWORD);
    expect(body).not.toContain(SECRET);
    expect(body).not.toContain('$argon2');
  }

  it('never returns the password or a private attribute, on any read or write', async () => {
    const responses = [
      await t.request({ url: '/api/articles' }),
      await t.request({ url: '/api/articles?status=draft' }),
      await t.request({ url: '/api/articles?fields=*' }),
      await t.request({ url: '/api/articles?fields[0]=*' }),
      await t.request({ url: '/api/articles?fields[0]=title&fields[1]=*' }),
      await t.request({ url: `/api/articles/${documentId}` }),
      await t.request({ url: `/api/articles/${documentId}?fields=*` }),
      await t.request({ url: `/api/articles/${documentId}?status=draft&fields=*` }),
      await t.request({
        method: 'PUT',
        url: `/api/articles/${documentId}?fields=*`,
        body: { data: { password: 'another-password' } },
      }),
      await t.request({
        method: 'PUT',
        url: `/api/articles/${documentId}?status=draft`,
        body: { data: { secret: 'x', password: 'draft-password' } },
      }),
      await t.request({
        method: 'POST',
        url: '/api/articles?fields=*',
        body: { data: { title: 'Another', password: PASSWORD, secret: SECRET } },
      }),
    ];
    for (const res of responses) {
      expect(res.status, res.body).toBeLessThan(300);
      assertHidden(res.body);
      const data = res.json().data;
      for (const doc of Array.isArray(data) ? data : [data]) {
        expect(doc).not.toHaveProperty('password');
        expect(doc).not.toHaveProperty('secret');
      }
    }
  });

  it('refuses the password and private attributes in fields, filters and sort (400), and _q ignores them', async () => {
    for (const url of [
      '/api/articles?fields=password',
      '/api/articles?fields[0]=title&fields[1]=password',
      '/api/articles?fields=secret',
      `/api/articles/${documentId}?fields=password`,
      '/api/articles?filters[password][$eq]=x',
      '/api/articles?filters[password][$null]=true',
      '/api/articles?filters[$or][0][password][$startsWith]=c',
      '/api/articles?filters[secret][$eq]=x',
      '/api/articles?sort=password',
      '/api/articles?sort[0]=secret:desc',
      '/api/articles?sort[password]=asc',
    ]) {
      const res = await t.request({ url });
      expect(res.status, url).toBe(400);
      expect(res.json().error.name).toBe('ValidationError');
      assertHidden(res.body);
    }
    const search = await t.request({ url: `/api/articles?_q=${encodeURIComponent('horse battery')}` });
    expect(search.status).toBe(200);
    expect(search.json().data).toEqual([]);
    const searchSecret = await t.request({ url: `/api/articles?_q=${encodeURIComponent('private value')}` });
    expect(searchSecret.json().data).toEqual([]);
  });

  it('stores the password hashed with argon2id, never in clear', async () => {
    const rows = await t.node.database.db
      .selectFrom('articles')
      .select(['password', 'published_at'])
      .where('document_id', '=', documentId)
      .execute();
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.password).toMatch(/^\$argon2id\$/);
    const published = rows.find((row) => row.published_at !== null)!;
    const draft = rows.find((row) => row.published_at === null)!;
    expect(await t.node.core.passwords.verify(published.password, 'another-password')).toBe(true);
    expect(await t.node.core.passwords.verify(draft.password, 'draft-password')).toBe(true);
  });
});
