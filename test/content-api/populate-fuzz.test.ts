import fc from 'fast-check';
import qs from 'qs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode, type TestResponse } from '../helpers/node.js';
import { api, type Api } from '../helpers/relations.js';

/*
 * Property-based tests: random and hostile `populate` / `filters` / `sort` / `fields` trees (attribute
 * names from the schema mixed with junk, random nesting, random operators, wrong value shapes) sent to
 * the content API. Whatever the input: never a 5xx, every non-2xx has Strapi's error shape, every 2xx has
 * the envelope and only known keys, and the data is still readable afterwards.
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
const GLOBAL_KEYS = [
  'id',
  'documentId',
  'siteName',
  'createdAt',
  'updatedAt',
  'publishedAt',
  'defaultSeo',
  'menus',
  'favicon',
];
const OTHER_ATTRIBUTES = [
  'name',
  'email',
  'articles',
  'profile',
  'avatar',
  'bio',
  'secretNotes',
  'metaTitle',
  'metaDescription',
  'shareImage',
  'siteName',
  'defaultSeo',
  'menus',
  'favicon',
  'links',
  'label',
  'url',
  'page',
  'body',
  'file',
  'files',
];
const COMPONENT_UIDS = [
  'shared.quote',
  'shared.rich-text',
  'shared.media',
  'shared.slider',
  'shared.seo',
  'shared.nope',
  'api::author.author',
];
const JUNK = [
  '',
  ' ',
  '*',
  ',',
  'constructor',
  '__proto__',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'on',
  'populate',
  'fields',
  'filters',
  'sort',
  'count',
  'pagination',
  'status',
  'a.b',
  'author.name',
  'author.',
  '.author',
  'author..name',
  'seo.shareImage',
  'blocks.title',
  '0',
  '1',
  '-1',
  '100',
  'true',
  'null',
  'undefined',
  'NaN',
  '\u0000',
  'ü',
  '😀',
  "'; drop table articles; --",
  '"',
  '\\',
  'x'.repeat(300),
  '%',
  '%00',
  '$',
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
  '$startsWith',
  '$startsWithi',
  '$endsWith',
  '$endsWithi',
  '$null',
  '$notNull',
  '$between',
  '$and',
  '$or',
  '$not',
  '$fake',
  '$EQ',
  '$STARTSWITH',
];
const OPTION_KEYS = [
  'populate',
  'fields',
  'filters',
  'sort',
  'count',
  'on',
  'pagination',
  'start',
  'limit',
  'page',
  'pageSize',
  'status',
];

const attributeName = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...ARTICLE_SCALARS, ...ARTICLE_RELATIONAL, ...OTHER_ATTRIBUTES) },
  { weight: 2, arbitrary: fc.constantFrom(...JUNK, ...COMPONENT_UIDS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
const scalarValue = fc.oneof(
  fc.constantFrom(
    'true',
    'false',
    '1',
    '0',
    't',
    'f',
    '*',
    '',
    'null',
    'asc',
    'desc',
    'ASC',
    'up',
    'title:desc',
    'author.name:asc',
  ),
  fc.constantFrom(
    '2024-01-01',
    '2024-01-01T00:00:00.000Z',
    '25:61',
    '1e999',
    '-0',
    '9223372036854775808',
    'Alpha',
    'ada',
  ),
  fc.string({ maxLength: 12 }),
  fc.integer().map(String),
  fc.double({ noNaN: false }).map(String),
);
const dottedPath = fc.array(attributeName, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.'));
const commaList = fc
  .array(fc.oneof(attributeName, dottedPath), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join(','));
const sortString = fc
  .array(
    fc.tuple(
      fc.oneof(attributeName, dottedPath),
      fc.constantFrom('', ':asc', ':desc', ':DESC', ':up', ':', '::asc'),
    ),
    {
      minLength: 1,
      maxLength: 3,
    },
  )
  .map((items) => items.map(([p, o]) => p + o).join(','));

type Tree = unknown;

const { populate, filters, sort } = fc.letrec<{
  populate: Tree;
  filters: Tree;
  sort: Tree;
  anything: Tree;
}>((tie) => ({
  populate: fc.oneof(
    { maxDepth: 4, depthSize: 'small' },
    fc.constantFrom('*', 'true', 'false', ''),
    commaList,
    fc.array(fc.oneof(attributeName, dottedPath, commaList), { maxLength: 4 }),
    fc.dictionary(
      attributeName,
      fc.oneof(
        fc.constantFrom<Tree>(true, false, '*', 'true', 'false', 'yes', '0', ''),
        fc.record(
          {
            populate: tie('populate'),
            fields: fc.oneof(commaList, fc.array(attributeName, { maxLength: 3 }), tie('anything')),
            filters: tie('filters'),
            sort: tie('sort'),
            count: fc.oneof(scalarValue, tie('anything')),
            on: fc.dictionary(
              fc.oneof(fc.constantFrom(...COMPONENT_UIDS), attributeName),
              fc.oneof(
                fc.constant<Tree>(true),
                tie('populate'),
                fc.record(
                  { fields: fc.array(attributeName, { maxLength: 2 }), populate: tie('populate') },
                  { requiredKeys: [] },
                ),
              ),
              { maxKeys: 3 },
            ),
            pagination: tie('anything'),
            start: scalarValue,
            limit: scalarValue,
          },
          { requiredKeys: [] },
        ),
        tie('anything'),
      ),
      { maxKeys: 4 },
    ),
    tie('anything'),
  ),
  filters: fc.oneof(
    { maxDepth: 4, depthSize: 'small' },
    scalarValue,
    fc.array(fc.oneof(scalarValue, tie('filters')), { maxLength: 3 }),
    fc.dictionary(
      fc.oneof(
        { weight: 3, arbitrary: attributeName },
        { weight: 2, arbitrary: fc.constantFrom(...OPERATORS) },
      ),
      tie('filters'),
      {
        maxKeys: 4,
      },
    ),
  ),
  sort: fc.oneof(
    { maxDepth: 3, depthSize: 'small' },
    sortString,
    fc.array(fc.oneof(sortString, tie('sort')), { maxLength: 3 }),
    fc.dictionary(
      attributeName,
      fc.oneof(fc.constantFrom<Tree>('asc', 'desc', 'DESC', 'up', '', 'asc,desc', 'a:b'), tie('sort')),
      {
        maxKeys: 3,
      },
    ),
  ),
  anything: fc.oneof(
    { maxDepth: 3, depthSize: 'small' },
    scalarValue,
    fc.constant<Tree>(null),
    fc.array(tie('anything'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(attributeName, fc.constantFrom(...OPERATORS, ...OPTION_KEYS)), tie('anything'), {
      maxKeys: 3,
    }),
  ),
}));

const filtersRoot = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(attributeName, filters, { minKeys: 1, maxKeys: 3 }) },
  { weight: 1, arbitrary: filters },
);
const mixed = fc.record(
  {
    populate,
    filters: filtersRoot,
    sort,
    fields: fc.oneof(commaList, fc.array(attributeName, { maxLength: 3 })),
    status: fc.constantFrom('draft', 'published', 'junk', ''),
    pagination: fc.record(
      { page: fc.constantFrom('1', '2', '0', 'x'), pageSize: fc.constantFrom('1', '10', '-1', 'x') },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
/** Mostly one parameter at a time (so a valid part is not hidden behind an invalid one), sometimes all. */
const params = fc.oneof(
  populate.map((p) => ({ populate: p })),
  filtersRoot.map((f) => ({ filters: f })),
  sort.map((x) => ({ sort: x })),
  fc.record(
    { populate, filters: filtersRoot, status: fc.constantFrom('draft', 'published') },
    { requiredKeys: [] },
  ),
  mixed,
);
/** Both encodings clients use: `@strapi/client` (brackets encoded) and the docs (literal brackets). */
const encode = fc.constantFrom(
  (p: object) => qs.stringify(p),
  (p: object) => qs.stringify(p, { encodeValuesOnly: true }),
  (p: object) => qs.stringify(p, { encodeValuesOnly: true, arrayFormat: 'brackets' }),
  (p: object) =>
    qs.stringify(p, {
      encodeValuesOnly: true,
      arrayFormat: 'indices',
      allowDots: false,
      strictNullHandling: true,
    }),
);
/** Raw query strings built from the characters that matter to qs. */
const rawQuery = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'populate',
        'filters',
        'sort',
        'fields',
        'status',
        'pagination',
        '[',
        ']',
        '=',
        '&',
        '%5B',
        '%5D',
        '%',
        '%ZZ',
        '*',
        ',',
        '.',
        ':',
      ),
      attributeName,
      fc.constantFrom(...OPERATORS, ...OPTION_KEYS, ...COMPONENT_UIDS),
    ),
    { maxLength: 24 },
  )
  .map((tokens) => tokens.join(''));

function checkResponse(res: TestResponse, allowedKeys?: readonly string[]): void {
  expect(res.status, res.body.slice(0, 500)).toBeLessThan(500);
  const body = JSON.parse(res.body);
  if (res.status >= 200 && res.status < 300) {
    expect(Object.keys(body).sort()).toEqual(['data', 'meta']);
    if (allowedKeys) {
      const docs = Array.isArray(body.data) ? body.data : [body.data];
      for (const doc of docs) for (const key of Object.keys(doc)) expect(allowedKeys, key).toContain(key);
    }
    return;
  }
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(Object.keys(body).sort()).toEqual(['data', 'error']);
  expect(body.data).toBeNull();
  expect(Object.keys(body.error).sort()).toEqual(['details', 'message', 'name', 'status']);
  expect(body.error.status).toBe(res.status);
  expect(typeof body.error.name).toBe('string');
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(typeof body.error.details).toBe('object');
  expect(body.error.details).not.toBeNull();
}

describeEachDatabase('populate, filters and sort fuzzing', (kind) => {
  let t: TestNode;
  let a: Api;
  let alpha: string;
  let snapshot: unknown;
  let globalSnapshot: unknown;
  const FULL =
    'populate[author][populate]=*&populate[tags]=true&populate[seo]=true&populate[blocks][populate]=*&populate[related]=true';
  const GLOBAL_FULL = 'populate[defaultSeo]=true&populate[menus][populate]=*';

  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations' });
    a = api(t);
    const author = (await a.create('/api/authors', { name: 'Ada' })).documentId as string;
    const tag = (await a.create('/api/tags', { name: 't1' })).documentId as string;
    alpha = (
      await a.create('/api/articles', {
        title: 'Alpha',
        author,
        tags: [tag],
        seo: { metaTitle: 'Alpha SEO' },
        blocks: [
          { __component: 'shared.quote', title: 'Q' },
          { __component: 'shared.rich-text', body: 'R' },
          { __component: 'shared.media' },
        ],
      })
    ).documentId as string;
    await a.create('/api/articles', { title: 'Bravo', related: [alpha], parent: alpha });
    await a.create('/api/articles?status=draft', { title: 'Draft only', author });
    await a.update('/api/global', {
      siteName: 'Site',
      defaultSeo: { metaTitle: 'Default' },
      menus: [{ title: 'Main', links: [{ label: 'Home' }], page: alpha }],
    });
    snapshot = await a.read(`/api/articles/${alpha}?${FULL}`);
    globalSnapshot = await a.read(`/api/global?${GLOBAL_FULL}`);
  });
  afterAll(() => t.close());

  it('GET /api/articles never answers 5xx and keeps Strapi’s shapes', async () => {
    await fc.assert(
      fc.asyncProperty(params, encode, async (p, enc) => {
        checkResponse(await t.request({ url: `/api/articles?${enc(p)}` }), [
          ...ARTICLE_SCALARS,
          ...ARTICLE_RELATIONAL,
        ]);
      }),
      { numRuns: 300 },
    );
  });

  it('GET /api/articles/:documentId and /api/global never answer 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(params, encode, fc.boolean(), async (p, enc, single) => {
        const url = single ? `/api/global?${enc(p)}` : `/api/articles/${alpha}?${enc(p)}`;
        checkResponse(
          await t.request({ url }),
          single ? GLOBAL_KEYS : [...ARTICLE_SCALARS, ...ARTICLE_RELATIONAL],
        );
      }),
      { numRuns: 200 },
    );
  });

  it('valid-looking populate trees built from schema names only never answer 5xx', async () => {
    const known = fc.constantFrom(
      ...ARTICLE_RELATIONAL,
      'articles',
      'profile',
      'avatar',
      'shareImage',
      'menus',
      'links',
      'page',
      'defaultSeo',
    );
    const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
      tree: fc.oneof(
        { maxDepth: 4, depthSize: 'small' },
        fc.constant<Tree>('*'),
        fc.array(
          fc.array(known, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.')),
          { minLength: 1, maxLength: 3 },
        ),
        fc.dictionary(
          known,
          fc.oneof(
            fc.constant<Tree>(true),
            fc.record(
              {
                populate: tie('tree'),
                count: fc.constantFrom('true', 'false'),
                on: fc.dictionary(
                  fc.constantFrom('shared.quote', 'shared.rich-text', 'shared.media', 'shared.slider'),
                  fc.constant<Tree>(true),
                  { maxKeys: 2 },
                ),
              },
              { requiredKeys: [] },
            ),
          ),
          { maxKeys: 3 },
        ),
      ),
    }));
    await fc.assert(
      fc.asyncProperty(
        tree,
        fc.constantFrom('/api/articles', `/api/articles/${alpha}`, '/api/global', '/api/authors'),
        async (p, path) => {
          checkResponse(await t.request({ url: `${path}?${qs.stringify({ populate: p })}` }));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('raw, malformed query strings never answer 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        rawQuery,
        fc.constantFrom('/api/articles', '/api/global', `/api/articles/${alpha}`),
        async (query, path) => {
          checkResponse(await t.request({ url: `${path}?${query}` }));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('deeply nested and oversized trees are refused cleanly', async () => {
    const deep = (n: number, leaf: unknown): unknown =>
      n === 0 ? leaf : { author: { populate: deep(n - 1, leaf) } };
    for (const n of [5, 10, 19, 25]) {
      checkResponse(await t.request({ url: `/api/articles?${qs.stringify({ populate: deep(n, '*') })}` }));
      checkResponse(
        await t.request({
          url: `/api/articles?${qs.stringify({ filters: { related: deep(n, { title: 'x' }) } })}`,
        }),
      );
    }
    const wide = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`populate[${i}]`, 'author']));
    checkResponse(await t.request({ url: `/api/articles?${new URLSearchParams(wide).toString()}` }));
    const manyOr = {
      filters: { $or: Array.from({ length: 300 }, (_, i) => ({ author: { name: { $eq: `n${i}` } } })) },
    };
    checkResponse(await t.request({ url: `/api/articles?${qs.stringify(manyOr)}` }));
    const manySorts = { sort: Array.from({ length: 40 }, () => 'author.name:asc') };
    checkResponse(await t.request({ url: `/api/articles?${qs.stringify(manySorts)}` }));
  });

  it('the data is unchanged and still readable afterwards', async () => {
    expect(await a.read(`/api/articles/${alpha}?${FULL}`)).toEqual(snapshot);
    expect(await a.read(`/api/global?${GLOBAL_FULL}`)).toEqual(globalSnapshot);
    const list = await a.list('/api/articles?fields[0]=title&sort=title');
    expect(list.map((d) => d.title)).toEqual(['Alpha', 'Bravo']);
    const drafts = await a.list('/api/articles?fields[0]=title&sort=title&status=draft');
    expect(drafts.map((d) => d.title)).toEqual(['Alpha', 'Bravo', 'Draft only']);
  });
});
