import fc from 'fast-check';
import qs from 'qs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode, type TestResponse } from '../helpers/node.js';
import { KITCHEN_ARTICLE_ATTRIBUTES } from '../helpers/kitchen.js';

/**
 * Property-based tests (DESIGN.md "Reliability targets"): any query string or body, however malformed,
 * gets a 2xx or a 4xx in Strapi's error shape — never a 5xx, never a leaked private value — and the
 * database is intact afterwards. Runs on both databases.
 */

const RUNS = 300;

const SENTINEL_PASSWORD = 'sentinel-password-0451';
const SENTINEL_SECRET = 'sentinel-secret-0451';

// ---------- vocabulary ----------

// Every attribute of the kitchen article (a private one and a password included), and system fields.
const ATTRIBUTES = [
  ...KITCHEN_ARTICLE_ATTRIBUTES,
  'id',
  'documentId',
  'createdAt',
  'updatedAt',
  'publishedAt',
  'locale',
];
const OPERATORS = [
  '$eq',
  '$eqi',
  '$ne',
  '$nei',
  '$lt',
  '$lte',
  '$gt',
  '$gte',
  '$in',
  '$notIn',
  '$contains',
  '$notContains',
  '$containsi',
  '$notContainsi',
  '$null',
  '$notNull',
  '$between',
  '$startsWith',
  '$startsWithi',
  '$endsWith',
  '$endsWithi',
  '$and',
  '$or',
  '$not',
  '$EQ',
  '$fakeOp',
  '$',
  'eq',
  '$$eq',
];
const PARAMS = [
  'filters',
  'sort',
  'fields',
  'pagination',
  'populate',
  'status',
  '_q',
  'locale',
  'page',
  'pageSize',
  'start',
  'limit',
  'withCount',
  'publicationState',
];
const PAGINATION_KEYS = ['page', 'pageSize', 'start', 'limit', 'withCount'];
const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  ' ',
  "'",
  '"',
  '`',
  ';',
  '--',
  '/*',
  '*',
  '%',
  '_',
  '\\',
  'title"; drop table articles; --',
  "title') or 1=1 --",
  'title asc; delete from articles',
  'id desc, (select 1)',
  't.title',
  'articles.title',
  'title:desc:asc',
  'title.nested.path',
  'Title',
  'TITLE',
  '0',
  '1',
  '100',
  '101',
  '99999999999999999999',
  '-1',
  'asc',
  'desc',
  'ASC',
  'DESC',
  'draft',
  'published',
  'true',
  'null',
];
const SQL_VALUES = [
  "' OR '1'='1",
  "'; DROP TABLE articles; --",
  '"; DROP TABLE articles; --',
  '1; DELETE FROM articles WHERE 1=1; --',
  "1' UNION SELECT password FROM articles --",
  "') OR 1=1 --",
  '1 OR 1=1',
  "admin'--",
  "' || (select secret from articles limit 1) || '",
  '%',
  '_',
  '\\',
  '%_%',
  '\\%',
  '[*]',
  '*',
  '?',
  '[',
  'GLOB',
  "x' ESCAPE '\\",
  '$1',
  '::text',
  'NULL',
  'null',
  '\u0000',
  'a\u0000b',
];
const NUMBERISH = [
  '0',
  '-0',
  '1',
  '-1',
  '2147483647',
  '2147483648',
  '-2147483649',
  '9007199254740993',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775809',
  '99999999999999999999999999999',
  '1e308',
  '1e309',
  '-1e309',
  '1e-320',
  '4.9e-324',
  '0.1',
  '1.5',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '1_000',
  '1,5',
  ' 1 ',
  '+1',
  '.5',
  '5.',
  '1e',
  'e1',
  '2024-03-06',
  '2024-02-30',
  '2024-03-06T13:42:05.098Z',
  '2024-03-06T25:00:00Z',
  '0000-01-01',
  '10000-01-01',
  '-000001-01-01T00:00:00Z',
  '13:42',
  '24:00',
  '1709732525098',
  '-62135596800001',
  'true',
  'false',
  't',
  'f',
  'yes',
  '',
];
const PERCENT_GARBAGE = [
  '%',
  '%%',
  '%z',
  '%zz',
  '%0',
  '%00',
  '%E0%A4%A',
  '%C0%AF',
  '%C0%80',
  '%ED%A0%80',
  '%FF%FE',
  '%2525',
  '%5B',
  '%5D',
  '%5B%5D',
  '%26',
  '%3D',
  '%u0041',
  '%F0%9F%98%80',
];
const STRINGS = [
  'Hello',
  'café',
  'CAFÉ',
  'straße',
  'İstanbul',
  '😀',
  'a'.repeat(2000),
  ' ',
  '\t\n',
  '<script>alert(1)</script>',
  '{"a":1}',
  '[1,2]',
  '${jndi:ldap://x}',
  '../../etc/passwd',
];
/** Probes for the sentinel's private values: queries only (a body that wrote them could read them back). */
const PROBES = [SENTINEL_PASSWORD, SENTINEL_SECRET, 'sentinel', 'argon2'];

const keyWord = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ATTRIBUTES) },
  { weight: 3, arbitrary: fc.constantFrom(...OPERATORS) },
  { weight: 2, arbitrary: fc.constantFrom(...PARAMS) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_KEYS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);
const scalarValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SQL_VALUES) },
  { weight: 3, arbitrary: fc.constantFrom(...NUMBERISH) },
  { weight: 2, arbitrary: fc.constantFrom(...STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(...ATTRIBUTES, ...OPERATORS, ...HOSTILE_KEYS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('asc', 'desc', 'title:desc', 'title:up', '*', 'draft', 'published'),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
);

const queryScalar = fc.oneof(
  { weight: 12, arbitrary: scalarValue },
  { weight: 1, arbitrary: fc.constantFrom(...PROBES) },
);

/** Percent-encodes what a real client could not put raw in a request target (and, at random, more). */
function encodeForUrl(text: string, encodeAll: boolean): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const safe = code > 0x20 && code < 0x7f && ch !== '#' && ch !== '%';
    if (safe && !(encodeAll && /[^A-Za-z0-9\-_.~]/.test(ch))) out += ch;
    else if (code >= 0xd800 && code <= 0xdfff)
      out += '%ED%A0%80'; // a lone surrogate: invalid UTF-8 bytes
    else out += encodeURIComponent(ch);
  }
  return out;
}

/** One `key[a][b]…=value` pair written by hand: brackets raw or encoded, depth up to 25, garbage allowed. */
const rawPair = fc
  .record({
    root: fc.oneof(fc.constantFrom(...PARAMS), keyWord),
    path: fc.array(keyWord, { maxLength: 25 }),
    style: fc.constantFrom('brackets', 'encoded', 'dots', 'broken'),
    value: fc.option(scalarValue, { nil: undefined, freq: 6 }),
    garbage: fc.option(fc.constantFrom(...PERCENT_GARBAGE), { nil: undefined, freq: 4 }),
    encodeAll: fc.boolean(),
  })
  .map(({ root, path, style, value, garbage, encodeAll }) => {
    const enc = (s: string) => encodeForUrl(s, encodeAll).replace(/[[\]=&]/g, encodeURIComponent);
    let key = enc(root);
    for (const part of path) {
      const p = enc(part);
      key +=
        style === 'brackets'
          ? `[${p}]`
          : style === 'encoded'
            ? `%5B${p}%5D`
            : style === 'dots'
              ? `.${p}`
              : ['[', ']', `[${p}`, `${p}]`, `[[${p}]]`, `[]`][p.length % 6];
    }
    if (garbage) key += garbage;
    if (value === undefined) return key;
    return `${key}=${enc(value)}${garbage && value.length % 2 ? garbage : ''}`;
  });

const rawQueryString = fc
  .record({
    pairs: fc.array(rawPair, { minLength: 1, maxLength: 8 }),
    separator: fc.constantFrom('&', '&', '&', '&&', ';', '&amp;'),
    prefix: fc.constantFrom('', '', '&', '?', '='),
  })
  .map(({ pairs, separator, prefix }) => prefix + pairs.join(separator));

/** Structured query objects, as a client library would send them, with hostile leaves. */
const queryTree: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: scalarValue },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.array(tie('node'), { maxLength: 4 }) },
    { weight: 3, arbitrary: fc.dictionary(keyWord, tie('node'), { maxKeys: 4 }) },
  ),
})).node;

const filterTree: fc.Arbitrary<unknown> = fc.letrec<{ group: unknown; condition: unknown }>((tie) => ({
  group: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.dictionary(fc.constantFrom(...ATTRIBUTES), tie('condition'), { minKeys: 1, maxKeys: 3 }),
    fc.record({ $and: fc.array(tie('group'), { maxLength: 3 }) }),
    fc.record({ $or: fc.array(tie('group'), { maxLength: 3 }) }),
    fc.record({ $not: tie('group') }),
  ),
  condition: fc.oneof(
    { depthSize: 'small' },
    queryScalar,
    fc.constant(null),
    fc.array(queryScalar, { maxLength: 4 }),
    fc.dictionary(
      fc.constantFrom(...OPERATORS),
      fc.oneof(queryScalar, fc.array(queryScalar, { maxLength: 3 }), tie('condition')),
      {
        minKeys: 1,
        maxKeys: 3,
      },
    ),
  ),
})).group;

const structuredQuery = fc
  .record(
    {
      filters: fc.oneof(filterTree, queryTree),
      sort: fc.oneof(
        scalarValue,
        fc.array(fc.oneof(scalarValue, fc.constantFrom(...ATTRIBUTES.map((a) => `${a}:desc`))), {
          maxLength: 4,
        }),
        fc.dictionary(
          fc.constantFrom(...ATTRIBUTES, ...HOSTILE_KEYS),
          fc.oneof(fc.constantFrom('asc', 'desc', 'up'), queryTree),
          {
            maxKeys: 3,
          },
        ),
      ),
      fields: fc.oneof(
        scalarValue,
        fc.array(fc.oneof(fc.constantFrom(...ATTRIBUTES, '*'), scalarValue), { maxLength: 5 }),
        queryTree,
      ),
      pagination: fc.oneof(
        fc.dictionary(
          fc.constantFrom(...PAGINATION_KEYS),
          fc.oneof(fc.constantFrom(...NUMBERISH), queryTree),
          { maxKeys: 3 },
        ),
        queryTree,
      ),
      populate: queryTree,
      status: fc.oneof(fc.constantFrom('draft', 'published', 'DRAFT', ''), scalarValue, queryTree),
      _q: fc.oneof(queryScalar, queryTree),
      extra: queryTree,
    },
    { requiredKeys: [] },
  )
  .chain((query) =>
    fc
      .record({
        encode: fc.boolean(),
        encodeValuesOnly: fc.boolean(),
        arrayFormat: fc.constantFrom('indices', 'brackets', 'repeat', 'comma') as fc.Arbitrary<
          'indices' | 'brackets' | 'repeat' | 'comma'
        >,
      })
      .map((options) => {
        const text = qs.stringify(query, { ...options, strictNullHandling: true });
        // Unencoded output may carry characters a request target cannot; encode just those.
        return options.encode ? text : encodeForUrl(text, false).replace(/%25/g, '%');
      }),
  );

/** Body values: anything JSON can carry, biased towards the attribute types' edge cases. */
const bodyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: scalarValue },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, -0),
  },
  { weight: 1, arbitrary: fc.double() },
  {
    weight: 1,
    arbitrary: fc.array(
      fc.record({ type: fc.string({ maxLength: 10 }), children: fc.jsonValue({ maxDepth: 2 }) }),
    ),
  },
);

const bodyData = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...ATTRIBUTES), keyWord), bodyValue, { maxKeys: 8 }),
  },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        title: fc.oneof(
          fc.constantFrom('A title', "O'Brien; DROP TABLE articles", 'x'.repeat(101)),
          bodyValue,
        ),
        slug: bodyValue,
        summary: bodyValue,
        views: bodyValue,
        rating: bodyValue,
        price: bodyValue,
        big: bodyValue,
        featured: bodyValue,
        day: bodyValue,
        time: bodyValue,
        at: bodyValue,
        stamp: bodyValue,
        meta: bodyValue,
        content: bodyValue,
        kind: fc.oneof(fc.constantFrom('news', 'tutorial', 'opinion'), bodyValue),
        contact: bodyValue,
        code: fc.oneof(fc.constantFrom('ABC', 'XYZ'), bodyValue),
        internal: bodyValue,
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** Text a client may well send: storable, but full of quotes, SQL and pattern metacharacters. */
const hostileText = fc.oneof(
  fc.constantFrom(...SQL_VALUES.filter((v) => !v.includes('\u0000')), ...STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
const isoDate = fc
  .date({
    min: new Date('0001-01-01T00:00:00.000Z'),
    max: new Date('9999-12-31T23:59:59.999Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString());
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Bodies that mostly pass validation, so the SQL for inserts and updates runs with hostile values. */
const plausibleData = fc.record(
  {
    title: hostileText.map((v) => v.slice(0, 100)),
    slug: fc.stringMatching(/^[A-Za-z0-9\-_.~]{0,24}$/),
    body: hostileText,
    summary: hostileText.map((v) => v.padEnd(3, '.')),
    views: fc.oneof(fc.integer({ min: 0, max: 2147483647 }), fc.nat().map(String)),
    rating: fc.oneof(fc.double({ min: 0, max: 5, noNaN: true }), fc.constantFrom('0', '5', '2.5')),
    price: fc.double({ noNaN: true, noDefaultInfinity: true }),
    big: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
    featured: fc.constantFrom(true, false, 'true', 'false', 't', 'f', '1', '0'),
    day: isoDate.map((iso) => iso.slice(0, 10)),
    time: fc
      .tuple(fc.nat(23), fc.nat(59), fc.nat(59), fc.nat(999))
      .map(([h, m, sec, ms]) => `${pad(h)}:${pad(m)}:${pad(sec)}.${pad(ms, 3)}`),
    at: fc.oneof(isoDate, fc.integer({ min: -62135596800000, max: 253402300799999 })),
    stamp: isoDate,
    meta: fc.jsonValue({ maxDepth: 4 }),
    content: fc.array(
      fc.record({
        type: fc.constantFrom('paragraph', 'heading', 'x'),
        children: fc.jsonValue({ maxDepth: 2 }),
      }),
      {
        maxLength: 3,
      },
    ),
    kind: fc.constantFrom('news', 'tutorial', 'opinion'),
    contact: fc.emailAddress(),
    code: fc.stringMatching(/^[A-Z]{3}$/),
    internal: hostileText,
  },
  { requiredKeys: ['title'] },
);

const body = fc.oneof(
  { weight: 5, arbitrary: bodyData.map((data) => ({ data })) },
  { weight: 4, arbitrary: plausibleData.map((data) => ({ data })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(keyWord, bodyValue, { maxKeys: 3 }) },
);

const writeQuery = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '?status=draft',
    '?status=published',
    '?fields=title',
    '?fields=*',
    '?fields=password',
    '?status[]=x',
  ),
  rawQueryString.map((q) => `?${q}`),
);

const documentIdish = fc.oneof(
  fc.constantFrom(
    'nope',
    "' OR '1'='1",
    '1',
    '0',
    '-1',
    'null',
    '%00',
    '%25',
    '..',
    '%2F',
    '%2e%2e',
    'a'.repeat(24),
    'a'.repeat(300),
  ),
  fc.string({ minLength: 1, maxLength: 30 }).map((s) => encodeForUrl(s, true)),
  fc.constantFrom(...PERCENT_GARBAGE),
);

// ---------- invariants ----------

function decodedRequest(what: string): string {
  try {
    return decodeURIComponent(what);
  } catch {
    return what;
  }
}

function assertWellFormed(res: TestResponse, what: string): void {
  expect(res.status, `${what} → ${res.status} ${res.body.slice(0, 500)}`).toBeLessThan(500);
  // The generators never write the sentinel's private values, so they may never appear in a response —
  // unless the request itself sent one (queries probe with them), which an error may name back: Strapi's
  // `Invalid key <key>` names a key, and a probe value after a stray `&` becomes one.
  const asked = decodedRequest(what);
  for (const leaked of [SENTINEL_PASSWORD, SENTINEL_SECRET, '$argon2', 'SQLITE_', 'syntax error']) {
    if (asked.includes(leaked)) continue;
    expect(res.body.includes(leaked), `${what} leaked ${leaked}: ${res.body.slice(0, 300)}`).toBe(false);
  }
  if (res.status === 204) {
    expect(res.body).toBe('');
    return;
  }
  const json = res.json();
  if (res.status >= 300) {
    expect(Object.keys(json), what).toEqual(['data', 'error']);
    expect(json.data, what).toBeNull();
    expect(Object.keys(json.error).sort(), what).toEqual(['details', 'message', 'name', 'status']);
    expect(json.error.status, what).toBe(res.status);
    expect(typeof json.error.name, what).toBe('string');
    expect(typeof json.error.message, what).toBe('string');
    expect(json.error.message.length, what).toBeGreaterThan(0);
    expect(
      typeof json.error.details === 'object' &&
        json.error.details !== null &&
        !Array.isArray(json.error.details),
      what,
    ).toBe(true);
    return;
  }
  expect(Object.keys(json).sort(), what).toEqual(['data', 'meta']);
  for (const doc of Array.isArray(json.data) ? json.data : json.data === null ? [] : [json.data]) {
    expect(doc, what).not.toHaveProperty('password');
    expect(doc, what).not.toHaveProperty('secret');
    expect(typeof doc.id, what).toBe('number');
  }
}

describeEachDatabase('fuzzing the content API', (kind) => {
  let t: TestNode;
  let sentinel: Record<string, unknown>;
  let sentinelDraft: Record<string, unknown>;
  let victimId: string;

  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
    const created = await t.request({
      method: 'POST',
      url: '/api/articles',
      body: {
        data: {
          title: 'Sentinel',
          slug: 'sentinel',
          summary: 'Never modified by the fuzzer',
          views: 7,
          big: '9007199254740993',
          featured: true,
          day: '2024-03-06',
          at: '2024-03-06T13:42:05.098Z',
          meta: { keep: ['me', 1] },
          kind: 'news',
          code: 'SNT',
          password: SENTINEL_PASSWORD,
          secret: SENTINEL_SECRET,
        },
      },
    });
    expect(created.status).toBe(201);
    sentinel = created.json().data;
    sentinelDraft = (
      await t.request({ url: `/api/articles/${sentinel.documentId as string}?status=draft` })
    ).json().data;
    const victim = await t.request({
      method: 'POST',
      url: '/api/articles',
      body: { data: { title: 'Victim' } },
    });
    victimId = victim.json().data.documentId;
  });

  afterAll(async () => {
    await assertIntact();
    await t.close();
  });

  /** The sentinel reads back exactly as created, the table still answers lists, and counts agree. */
  async function assertIntact(): Promise<void> {
    const one = await t.request({ url: `/api/articles/${sentinel.documentId as string}` });
    expect(one.status).toBe(200);
    expect(one.json().data).toEqual(sentinel);
    const draft = await t.request({ url: `/api/articles/${sentinel.documentId as string}?status=draft` });
    expect(draft.json().data).toEqual(sentinelDraft);
    const list = await t.request({ url: '/api/articles?filters[slug][$eq]=sentinel' });
    expect(list.json().data).toEqual([sentinel]);
    const rows = await t.node.database.db
      .selectFrom('articles')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const total = (await t.request({ url: '/api/articles?pagination[pageSize]=1' })).json().meta.pagination
      .total;
    const drafts = (await t.request({ url: '/api/articles?status=draft&pagination[pageSize]=1' })).json().meta
      .pagination.total;
    expect(Number(rows.n)).toBe(total + drafts);
  }

  /** What a write answered is what a read of the same row answers (for the fields the write returned). */
  async function assertReadBack(written: Record<string, unknown>, what: string): Promise<void> {
    const status = written.publishedAt === null ? 'draft' : 'published';
    const read = await t.request({ url: `/api/articles/${written.documentId as string}?status=${status}` });
    expect(read.status, what).toBe(200);
    const stored = read.json().data;
    for (const key of Object.keys(written)) expect(stored[key], `${what} → ${key}`).toEqual(written[key]);
  }

  it('known hostile query values and ids (regressions the properties have found) get a 2xx or 4xx', async () => {
    const id = sentinel.documentId as string;
    const urls = [
      // NUL reaches PostgreSQL as a parameter it cannot take (22021) unless refused before.
      '/api/articles?filters[title][$eq]=%00',
      '/api/articles?filters[title][$contains]=a%00b',
      '/api/articles?filters[title][$startsWithi]=%00',
      '/api/articles?filters[title][$in][0]=%00',
      '/api/articles?_q=a%00b',
      '/api/articles/%00',
      `/api/articles/${id}%00`,
      `/api/articles/${id}?filters[title][$eq]=%00`,
      // Numbers at and beyond the edges of every numeric type.
      '/api/articles?filters[rating][$gt]=1e-320',
      '/api/articles?filters[rating][$lt]=1e308',
      '/api/articles?filters[price][$gt]=1e-320',
      '/api/articles?filters[views][$gt]=2147483648',
      '/api/articles?filters[big][$lt]=-9223372036854775809',
      '/api/articles?filters[id][$eq]=99999999999999999999',
      '/api/articles?filters[at][$gt]=0000-12-31T23:59:59Z',
      '/api/articles?filters[day][$eq]=99999-01-01',
      '/api/articles?pagination[page]=9007199254740993',
      '/api/articles?pagination[page]=99999999999&pagination[pageSize]=100',
      '/api/articles?pagination[start]=9007199254740991&pagination[limit]=100',
      // Structure: deeper than qs's depth, longer than its array limit, operators with wrong shapes.
      `/api/articles?${'filters' + '[$not]'.repeat(30)}[title]=x`,
      `/api/articles?${Array.from({ length: 150 }, (_, i) => `filters[title][$in][${i}]=x`).join('&')}`,
      `/api/articles?${Array.from({ length: 120 }, (_, i) => `sort[${i}]=title`).join('&')}`,
      '/api/articles?filters[title][$between]=a',
      '/api/articles?filters[title][$in]=',
      '/api/articles?filters[title][$null][$eq]=1',
      '/api/articles?filters[$or]=x',
      '/api/articles?filters[$and][0]=x',
      '/api/articles?sort[title][nested]=asc',
      '/api/articles?sort=title;drop table articles',
      '/api/articles?fields[0][0]=title',
      '/api/articles?status[0]=draft',
      '/api/articles?_q[0]=x',
    ];
    for (const url of urls) assertWellFormed(await t.request({ url }), `GET ${url}`);
    await assertIntact();
  });

  it('paths the router cannot percent-decode are answered in Strapi’s error shape', async () => {
    for (const url of [
      '/api/articles/%',
      '/api/articles/%E0%A4%A',
      '/api/%zz',
      '/%',
      `/api/articles/%C0%AF`,
    ]) {
      assertWellFormed(await t.request({ url }), `GET ${url}`);
      assertWellFormed(await t.request({ method: 'PUT', url, body: { data: {} } }), `PUT ${url}`);
    }
  });

  it('GET /api/articles with hand-written hostile query strings', async () => {
    await fc.assert(
      fc.asyncProperty(rawQueryString, async (query) => {
        assertWellFormed(await t.request({ url: `/api/articles?${query}` }), `GET ?${query}`);
      }),
      { numRuns: RUNS },
    );
    await assertIntact();
  });

  it('GET /api/articles with structured hostile queries (as qs/the SDK encode them)', async () => {
    await fc.assert(
      fc.asyncProperty(structuredQuery, async (query) => {
        assertWellFormed(await t.request({ url: `/api/articles?${query}` }), `GET ?${query}`);
      }),
      { numRuns: RUNS },
    );
    await assertIntact();
  });

  it('GET /api/articles/:id with hostile ids and queries', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(documentIdish, fc.constant(sentinel.documentId as string)),
        fc.oneof(rawQueryString, structuredQuery),
        async (id, query) => {
          assertWellFormed(await t.request({ url: `/api/articles/${id}?${query}` }), `GET /${id}?${query}`);
        },
      ),
      { numRuns: RUNS },
    );
    await assertIntact();
  });

  it('POST /api/articles with random bodies', async () => {
    await fc.assert(
      fc.asyncProperty(body, writeQuery, async (payload, query) => {
        const res = await t.request({ method: 'POST', url: `/api/articles${query}`, body: payload });
        const what = `POST ${query} ${JSON.stringify(payload).slice(0, 300)}`;
        assertWellFormed(res, what);
        if (res.status === 201) await assertReadBack(res.json().data, what);
      }),
      { numRuns: RUNS },
    );
    await assertIntact();
  });

  it('PUT /api/articles/:id and the single type with random bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 3, arbitrary: fc.constant(`/api/articles/${victimId}`) },
          documentIdish.map((id) => `/api/articles/${id}`),
          fc.constant('/api/setting'),
        ),
        body,
        writeQuery,
        async (url, payload, query) => {
          const res = await t.request({ method: 'PUT', url: `${url}${query}`, body: payload });
          const what = `PUT ${url}${query} ${JSON.stringify(payload).slice(0, 300)}`;
          assertWellFormed(res, what);
          if (res.status === 200 && url.startsWith('/api/articles/'))
            await assertReadBack(res.json().data, what);
        },
      ),
      { numRuns: RUNS },
    );
    await assertIntact();
  });

  it('raw request bodies: random text, content types and methods', async () => {
    const contentType = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/vnd.api+json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'application/octet-stream',
      'json',
      '',
      ';;;',
    );
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v) ?? 'null'),
      fc
        .tuple(fc.jsonValue({ maxDepth: 3 }), fc.nat(40), fc.string({ maxLength: 5 }))
        .map(([v, cut, junk]) => {
          const s = JSON.stringify({ data: v });
          return s.slice(0, cut) + junk + s.slice(cut);
        }),
      fc.nat(300).map((n) => `{"data":{"meta":${'['.repeat(n)}${']'.repeat(n)}}}`),
      fc.constantFrom(
        '{"data":{"__proto__":{"x":1}}}',
        '{"data":{"constructor":{"prototype":{"x":1}}}}',
        '{"data":{"title":"a","title":"b"}}',
        '\ufeff{"data":{"title":"bom"}}',
        '{"data":{"title":"\\ud800"}}',
        '{"data":{"title":"\\u0000"}}',
        '{"data":{"views":1e999}}',
        '{"data":{"big":123456789012345678901234567890}}',
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('POST', 'PUT', 'DELETE') as fc.Arbitrary<'POST' | 'PUT' | 'DELETE'>,
        fc.constantFrom('/api/articles', `/api/articles/${victimId}`, '/api/setting', '/api/homepage'),
        contentType,
        text,
        async (method, url, type, payload) => {
          const res = await t.request({
            method,
            url,
            payload,
            headers: type === '' ? {} : { 'content-type': type },
          });
          assertWellFormed(res, `${method} ${url} [${type}] ${payload.slice(0, 300)}`);
        },
      ),
      { numRuns: RUNS },
    );
    await assertIntact();
  });
});
