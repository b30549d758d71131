import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode, type TestResponse } from '../helpers/node.js';

/**
 * Body validation, answered in Strapi's shape (reference §1.3, §2.4): yup-style attribute errors with
 * `details.errors[]` and path arrays, "Invalid key X" for keys a body may not carry, and a clear 4xx for
 * every malformed body (never a 500).
 */

interface FieldError {
  path: (string | number)[];
  message: string;
  name: string;
  value?: unknown;
}

/** Asserts a 400 ValidationError whose field errors are exactly `expected` (in any order). */
function expectFieldErrors(res: TestResponse, expected: FieldError[]): void {
  expect(res.status, res.body).toBe(400);
  const body = res.json();
  expect(Object.keys(body)).toEqual(['data', 'error']);
  expect(body.data).toBeNull();
  expect(Object.keys(body.error).sort()).toEqual(['details', 'message', 'name', 'status']);
  expect(body.error.status).toBe(400);
  expect(body.error.name).toBe('ValidationError');
  expect(Object.keys(body.error.details)).toEqual(['errors']);
  const byPath = (a: FieldError, b: FieldError) => a.path.join('.').localeCompare(b.path.join('.'));
  expect([...body.error.details.errors].sort(byPath)).toEqual([...expected].sort(byPath));
  expect(body.error.message).toBe(
    expected.length === 1 ? expected[0].message : `${expected.length} errors occurred`,
  );
}

/** One field error with an exact message. */
function fieldError(path: string, message: string): FieldError {
  return { path: [path], message, name: 'ValidationError' };
}

/** Asserts a 400 with a single field error on `path` whose message starts with `prefix`. */
function expectOneFieldError(res: TestResponse, path: string, prefix: string): void {
  expect(res.status, res.body).toBe(400);
  const { error } = res.json();
  expect(error.name).toBe('ValidationError');
  expect(error.details.errors).toHaveLength(1);
  expect(error.details.errors[0].path).toEqual([path]);
  expect(error.details.errors[0].name).toBe('ValidationError');
  expect(error.details.errors[0].message.startsWith(prefix), error.details.errors[0].message).toBe(true);
  expect(error.message).toBe(error.details.errors[0].message);
}

/** Asserts an exact Strapi error body. */
function expectError(
  res: TestResponse,
  status: number,
  name: string,
  message: string | RegExp,
  details: Record<string, unknown> = {},
): void {
  expect(res.status, res.body).toBe(status);
  const body = res.json();
  expect(Object.keys(body)).toEqual(['data', 'error']);
  expect(body.data).toBeNull();
  expect(body.error).toEqual({
    status,
    name,
    message: typeof message === 'string' ? message : expect.stringMatching(message),
    details,
  });
}

/** Asserts 400 "Invalid key <key>" with details { key, source: 'body' } (and, optionally, path: null). */
function expectInvalidKey(res: TestResponse, key: string): void {
  expect(res.status, res.body).toBe(400);
  const { error } = res.json();
  expect(error.name).toBe('ValidationError');
  expect(error.message).toBe(`Invalid key ${key}`);
  const { path, ...rest } = error.details;
  expect(rest).toEqual({ key, source: 'body' });
  expect(path ?? null).toBeNull();
}

describeEachDatabase('body validation', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
  });
  afterAll(() => t.close());

  let counter = 0;
  const title = () => `title ${++counter}`;

  function post(data: unknown, query = ''): Promise<TestResponse> {
    return t.request({ method: 'POST', url: `/api/articles${query}`, body: { data } });
  }
  function put(documentId: string, data: unknown, query = ''): Promise<TestResponse> {
    return t.request({ method: 'PUT', url: `/api/articles/${documentId}${query}`, body: { data } });
  }
  async function created(data: Record<string, unknown>, query = ''): Promise<Record<string, unknown>> {
    const res = await post({ title: title(), ...data }, query);
    expect(res.status, res.body).toBe(201);
    return res.json().data;
  }

  describe('required', () => {
    it('required is enforced when publishing (the default for POST)', async () => {
      expectFieldErrors(await post({}), [fieldError('title', 'title must be a defined value')]);
      expectFieldErrors(await post({ title: null }), [fieldError('title', 'title must be a defined value')]);
      expectFieldErrors(await post({ summary: 'no title here' }, '?status=published'), [
        fieldError('title', 'title must be a defined value'),
      ]);
    });

    it('required is not enforced for drafts of a draft & publish type', async () => {
      const res = await post({ summary: 'a draft' }, '?status=draft');
      expect(res.status, res.body).toBe(201);
      expect(res.json().data).toMatchObject({ title: null, summary: 'a draft', publishedAt: null });
    });

    it('publishing an incomplete draft with PUT is refused, and allowed once complete', async () => {
      const draft = (await post({ summary: 'incomplete' }, '?status=draft')).json().data;
      expectFieldErrors(await put(draft.documentId, { summary: 'still no title' }), [
        fieldError('title', 'title must be a defined value'),
      ]);
      // The refused publish changed nothing: the draft is as it was, and nothing is published.
      const stillDraft = await t.request({ url: `/api/articles/${draft.documentId}?status=draft` });
      expect(stillDraft.json().data).toMatchObject({ title: null, summary: 'incomplete' });
      expect((await t.request({ url: `/api/articles/${draft.documentId}` })).status).toBe(404);

      expectFieldErrors(await put(draft.documentId, { title: null }), [
        fieldError('title', 'title must be a defined value'),
      ]);
      const ok = await put(draft.documentId, { title: 'Complete now' });
      expect(ok.status, ok.body).toBe(200);
      expect(ok.json().data).toMatchObject({ title: 'Complete now', summary: 'incomplete' });
      expect(ok.json().data.publishedAt).not.toBeNull();
    });

    it('clearing a required attribute is allowed on the draft only', async () => {
      const doc = await created({});
      const draftUpdate = await put(doc.documentId as string, { title: null }, '?status=draft');
      expect(draftUpdate.status, draftUpdate.body).toBe(200);
      expect(draftUpdate.json().data).toMatchObject({ title: null, publishedAt: null });
      // The published version is untouched; publishing the incomplete draft is refused.
      expect((await t.request({ url: `/api/articles/${doc.documentId}` })).json().data.title).toBe(doc.title);
      expectFieldErrors(await put(doc.documentId as string, {}), [
        fieldError('title', 'title must be a defined value'),
      ]);
    });

    it('required always applies to types without draft & publish, whatever the status', async () => {
      for (const query of ['', '?status=draft']) {
        const res = await t.request({
          method: 'POST',
          url: `/api/tags${query}`,
          body: { data: { label: 'x' } },
        });
        expectFieldErrors(res, [fieldError('name', 'name must be a defined value')]);
      }
    });

    it('required applies to single types when publishing, not to their drafts', async () => {
      const refused = await t.request({
        method: 'PUT',
        url: '/api/homepage',
        body: { data: { subtitle: 's' } },
      });
      expectFieldErrors(refused, [fieldError('title', 'title must be a defined value')]);
      const draft = await t.request({
        method: 'PUT',
        url: '/api/homepage?status=draft',
        body: { data: { subtitle: 's' } },
      });
      expect(draft.status, draft.body).toBe(200);
      expect(draft.json().data).toMatchObject({ title: null, subtitle: 's', publishedAt: null });
      expectFieldErrors(await t.request({ method: 'PUT', url: '/api/homepage', body: { data: {} } }), [
        fieldError('title', 'title must be a defined value'),
      ]);
      const published = await t.request({
        method: 'PUT',
        url: '/api/homepage',
        body: { data: { title: 'T' } },
      });
      expect(published.status).toBe(200);
      expect(published.json().data).toMatchObject({ title: 'T', subtitle: 's' });
    });

    it('reports every invalid attribute at once, required included', async () => {
      expectFieldErrors(await post({ title: title(), summary: 'ab', rating: 9 }), [
        fieldError('summary', 'summary must be at least 3 characters'),
        fieldError('rating', 'rating must be less than or equal to 5'),
      ]);
      // Strapi validates the whole body with abortEarly: false, so a missing required attribute is
      // reported together with the other errors.
      expectFieldErrors(await post({ summary: 'ab', rating: 9 }), [
        fieldError('title', 'title must be a defined value'),
        fieldError('summary', 'summary must be at least 3 characters'),
        fieldError('rating', 'rating must be less than or equal to 5'),
      ]);
    });
  });

  it('minLength and maxLength count characters, not bytes or UTF-16 units', async () => {
    expect((await post({ title: 'x'.repeat(100) })).status).toBe(201);
    expectFieldErrors(await post({ title: 'x'.repeat(101) }), [
      fieldError('title', 'title must be at most 100 characters'),
    ]);
    // 100 two-byte characters fit; 101 do not.
    expect((await post({ title: 'é'.repeat(100) })).status).toBe(201);
    expectFieldErrors(await post({ title: 'é'.repeat(101) }), [
      fieldError('title', 'title must be at most 100 characters'),
    ]);
    expect((await post({ title: title(), summary: 'abc' })).status).toBe(201);
    expect((await post({ title: title(), summary: 'ééé' })).status).toBe(201);
    expectFieldErrors(await post({ title: title(), summary: 'ab' }), [
      fieldError('summary', 'summary must be at least 3 characters'),
    ]);
    expectFieldErrors(await post({ title: title(), password: 'five5' }), [
      fieldError('password', 'password must be at least 6 characters'),
    ]);
    // The same rules apply to updates.
    const doc = await created({});
    expectFieldErrors(await put(doc.documentId as string, { summary: 'no' }), [
      fieldError('summary', 'summary must be at least 3 characters'),
    ]);
  });

  it('minLength is not enforced on drafts (as in Strapi v5), maxLength is', async () => {
    const draft = await post({ title: title(), summary: 'ab' }, '?status=draft');
    expect(draft.status, draft.body).toBe(201);
    expect(draft.json().data.summary).toBe('ab');
    expectFieldErrors(await post({ title: 'x'.repeat(101) }, '?status=draft'), [
      fieldError('title', 'title must be at most 100 characters'),
    ]);
  });

  it('min and max bound numbers, inclusive', async () => {
    expect((await post({ title: title(), views: 0, rating: 0 })).status).toBe(201);
    expect((await post({ title: title(), rating: 5 })).status).toBe(201);
    expectFieldErrors(await post({ title: title(), views: -1 }), [
      fieldError('views', 'views must be greater than or equal to 0'),
    ]);
    expectFieldErrors(await post({ title: title(), views: '-3' }), [
      fieldError('views', 'views must be greater than or equal to 0'),
    ]);
    expectFieldErrors(await post({ title: title(), rating: 5.01 }), [
      fieldError('rating', 'rating must be less than or equal to 5'),
    ]);
    expectFieldErrors(await post({ title: title(), rating: -0.5 }), [
      fieldError('rating', 'rating must be greater than or equal to 0'),
    ]);
    // min/max hold on drafts too.
    expectFieldErrors(await post({ title: title(), views: -1 }, '?status=draft'), [
      fieldError('views', 'views must be greater than or equal to 0'),
    ]);
  });

  it('integers are whole and within 32 bits; big integers within 64 bits', async () => {
    expectOneFieldError(await post({ title: title(), views: 4.5 }), 'views', 'views must be');
    expectOneFieldError(await post({ title: title(), views: '4.5' }), 'views', 'views must be');
    expectOneFieldError(await post({ title: title(), views: 2147483648 }), 'views', 'views must be');
    expectOneFieldError(await post({ title: title(), big: '9223372036854775808' }), 'big', 'big must be');
    expectOneFieldError(await post({ title: title(), big: '1.5' }), 'big', 'big must be');
  });

  it('regex: a value must match; the empty string is allowed on an optional attribute', async () => {
    expect((await post({ title: title(), code: 'ABC' })).status).toBe(201);
    expect((await post({ title: title(), code: '' })).status).toBe(201);
    for (const code of ['abc', 'ABCD', 'AB', 'ABC\n', ' ABC']) {
      expectFieldErrors(await post({ title: title(), code }), [
        fieldError('code', 'code must match the following: "/^[A-Z]{3}$/"'),
      ]);
    }
  });

  it('email: a valid address is required; the empty string is refused', async () => {
    expect((await post({ title: title(), contact: 'a@b.co' })).status).toBe(201);
    for (const contact of ['not-an-email', 'a@b', '@b.co', 'a b@c.de', 'a@b@c.de']) {
      expectFieldErrors(await post({ title: title(), contact }), [
        fieldError('contact', 'contact must be a valid email'),
      ]);
    }
    // Strapi's email validator adds .min(1, '${path} cannot be empty').
    expectFieldErrors(await post({ title: title(), contact: '' }), [
      fieldError('contact', 'contact cannot be empty'),
    ]);
  });

  it('uid: only A-Z a-z 0-9 - _ . ~', async () => {
    expect((await post({ title: title(), slug: 'Az09-_.~' })).status).toBe(201);
    for (const slug of ['with space', 'slash/es', 'émoji', 'a?b', 'a#b', "quote'"]) {
      // With the value, as Strapi names it (recorded: strapi-5.54-i18n/answers/uid-slug-invalid.json).
      expectFieldErrors(await post({ title: title(), slug }), [
        { ...fieldError('slug', 'slug must match the following: "/^[A-Za-z0-9-_.~]*$/"'), value: slug },
      ]);
    }
  });

  it('enumeration: only listed values, case-sensitive', async () => {
    expect((await post({ title: title(), kind: 'opinion' })).status).toBe(201);
    for (const value of ['other', 'News', '', ' news']) {
      expectOneFieldError(
        await post({ title: title(), kind: value }),
        'kind',
        'kind must be one of the following values: news, tutorial, opinion',
      );
    }
  });

  it('wrong types are 400 on the attribute', async () => {
    const cases: [string, unknown][] = [
      ['views', 'abc'],
      ['views', true],
      ['views', { n: 1 }],
      ['views', [1]],
      ['views', ''],
      ['rating', 'NaN'],
      ['rating', 'Infinity'],
      ['rating', '1,5'],
      ['price', {}],
      ['big', 'twelve'],
      ['big', true],
      ['title', { text: 'x' }],
      ['title', ['x']],
      ['title', 123],
      ['title', true],
      ['summary', { a: 1 }],
      ['contact', 42],
      ['slug', ['a']],
      ['kind', 1],
      ['featured', 'yes'],
      ['featured', 2],
      ['featured', {}],
      ['featured', 'tru'],
      ['day', 20240306],
      ['day', '2024-02-30'],
      ['day', '06/03/2024'],
      ['day', { y: 2024 }],
      ['time', '25:00'],
      ['time', '12:60'],
      ['time', 1234],
      ['time', '12h30'],
      ['at', 'yesterday'],
      ['at', '2024-13-01T00:00:00Z'],
      ['at', { iso: '2024-01-01' }],
      ['at', true],
      ['stamp', 'not a time'],
      ['stamp', []],
      ['content', { type: 'paragraph' }],
      ['content', 'text'],
      ['content', [1, 2]],
      ['content', [{ children: [] }]],
      ['password', 12345678],
      ['password', { p: 'x' }],
    ];
    for (const [attribute, value] of cases) {
      const res = await post({ title: title(), [attribute]: value });
      expect(res.status, `${attribute}=${JSON.stringify(value)}: ${res.body}`).toBe(400);
      expectOneFieldError(res, attribute, `${attribute} must `);
    }
  });

  it('text containing NUL or an unpaired surrogate is refused with a 400 on the attribute, on every database', async () => {
    for (const [attribute, value] of [
      ['title', 'a\u0000b'],
      ['summary', '\u0000'],
      ['meta', { text: 'nul \u0000 inside' }],
      ['meta', { 'key\u0000': 1 }],
      ['content', [{ type: 'paragraph', children: [{ type: 'text', text: '\u0000' }] }]],
      // Unpaired surrogates are not Unicode; each driver would store something else.
      ['title', 'x\ud800y'],
      ['internal', '\udc00'],
      ['meta', ['\ud83d']],
    ] as const) {
      const res = await post({ title: title(), [attribute]: value });
      expectOneFieldError(res, attribute, `${attribute} must `);
    }
  });

  describe('unique', () => {
    // Strapi names the refused value (recorded: strapi-5.54-i18n/answers/unique-en-same-code-collision.json).
    const notUnique = (path: string, value: string) => ({
      ...fieldError(path, 'This attribute must be unique'),
      value,
    });
    it('unique among published documents: a second document may not publish the same value', async () => {
      const a = await created({ slug: 'taken' });
      expectFieldErrors(await post({ title: title(), slug: 'taken' }), [notUnique('slug', 'taken')]);
      // Updating another document to the taken value is refused too.
      const b = await created({ slug: 'free' });
      expectFieldErrors(await put(b.documentId as string, { slug: 'taken' }), [notUnique('slug', 'taken')]);
      // A document keeps its own value across updates and republishing.
      const again = await put(a.documentId as string, { slug: 'taken', summary: 'republished' });
      expect(again.status, again.body).toBe(200);
      expect(again.json().data).toMatchObject({ slug: 'taken', summary: 'republished' });
      const draftOnly = await put(a.documentId as string, { summary: 'draft edit' }, '?status=draft');
      expect(draftOnly.status).toBe(200);
    });

    it('drafts may share a value, as in Strapi; publishing one that is taken is refused', async () => {
      // Strapi checks unique values among published rows only (entity-validator; recorded:
      // strapi-5.54-i18n/answers/unique-fr-draft-same-code-collision.json is a 201).
      await created({ slug: 'draft-taken' }, '?status=draft');
      const second = await post({ title: title(), slug: 'draft-taken' }, '?status=draft');
      expect(second.status, second.body).toBe(201);
      // Published once: the other draft may not be published with it.
      expect((await put(second.json().data.documentId, {})).status).toBe(200);
      expectFieldErrors(await post({ title: title(), slug: 'draft-taken' }), [
        notUnique('slug', 'draft-taken'),
      ]);
    });

    it('unique never compares a draft with a published row of another document', async () => {
      // A: published with p-one, then its draft moves to p-two.
      const a = await created({ slug: 'p-one' });
      expect((await put(a.documentId as string, { slug: 'p-two' }, '?status=draft')).status).toBe(200);
      // B's draft may take p-one: the only p-one is A's *published* row.
      const b = await post({ title: title(), slug: 'p-one' }, '?status=draft');
      expect(b.status, b.body).toBe(201);
      // But B may not publish it while A's published version holds it.
      expectFieldErrors(await put(b.json().data.documentId, {}), [notUnique('slug', 'p-one')]);
      // Once A publishes p-two, p-one is free among published rows and B can publish.
      expect((await put(a.documentId as string, {})).status).toBe(200);
      const published = await put(b.json().data.documentId, {});
      expect(published.status, published.body).toBe(200);
      expect(published.json().data.slug).toBe('p-one');
    });

    it('null is never a duplicate', async () => {
      await created({ slug: null });
      expect((await post({ title: title(), slug: null })).status).toBe(201);
      expect((await post({ title: title() })).status).toBe(201);
    });

    it('unique on a type without draft & publish, case-sensitive', async () => {
      const tag = async (data: Record<string, unknown>) =>
        t.request({ method: 'POST', url: '/api/tags', body: { data } });
      const first = await tag({ name: 'dup' });
      expect(first.status).toBe(201);
      expectFieldErrors(await tag({ name: 'dup' }), [notUnique('name', 'dup')]);
      expect((await tag({ name: 'DUP' })).status).toBe(201);
      const same = await t.request({
        method: 'PUT',
        url: `/api/tags/${first.json().data.documentId}`,
        body: { data: { name: 'dup', label: 'kept' } },
      });
      expect(same.status).toBe(200);
    });
  });

  it('"Missing data payload" when data is absent, null, an array or not an object', async () => {
    const message = 'Missing "data" payload in the request body';
    const doc = await created({});
    const targets: { method: 'POST' | 'PUT'; url: string }[] = [
      { method: 'POST', url: '/api/articles' },
      { method: 'PUT', url: `/api/articles/${doc.documentId as string}` },
      { method: 'PUT', url: '/api/setting' },
    ];
    for (const target of targets) {
      for (const body of [
        {},
        { data: null },
        { data: [] },
        { data: [{ title: 'x' }] },
        { data: 'x' },
        { data: 1 },
        { other: {} },
        [],
        [{ data: {} }],
        'data',
        1,
        null,
      ]) {
        const res = await t.request({ ...target, body });
        expectError(res, 400, 'ValidationError', message);
      }
      // No body at all.
      expectError(await t.request({ ...target }), 400, 'ValidationError', message);
      expectError(
        await t.request({ ...target, payload: '', headers: { 'content-type': 'application/json' } }),
        400,
        'ValidationError',
        message,
      );
    }
  });

  it('"Invalid key" for unknown keys and system fields', async () => {
    const doc = await created({});
    for (const key of [
      'foo',
      'Title',
      'id',
      'documentId',
      'createdAt',
      'updatedAt',
      'createdBy',
      'updatedBy',
    ]) {
      expectInvalidKey(await post({ title: title(), [key]: 'x' }), key);
      expectInvalidKey(await put(doc.documentId as string, { [key]: 1 }), key);
      expectInvalidKey(await put(doc.documentId as string, { [key]: null }, '?status=draft'), key);
    }
    expectInvalidKey(
      await t.request({ method: 'PUT', url: '/api/setting', body: { data: { siteName: 'x', nope: 1 } } }),
      'nope',
    );
    // Nothing was written by the refused requests.
    const after = await t.request({ url: `/api/articles/${doc.documentId as string}` });
    expect(after.json().data).toEqual(doc);
  });

  it('publishedAt and locale in the body are ignored', async () => {
    const draft = await post(
      { title: title(), publishedAt: '2020-01-01T00:00:00.000Z', locale: 'fr' },
      '?status=draft',
    );
    expect(draft.status, draft.body).toBe(201);
    expect(draft.json().data.publishedAt).toBeNull();
    expect(draft.json().data).not.toHaveProperty('locale');

    const published = await post({ title: title(), publishedAt: null, locale: 'de' });
    expect(published.status).toBe(201);
    expect(published.json().data.publishedAt).not.toBeNull();
    expect(published.json().data.publishedAt).not.toBe('2020-01-01T00:00:00.000Z');

    const updated = await put(published.json().data.documentId, {
      publishedAt: '1999-01-01T00:00:00.000Z',
      summary: 'kept',
    });
    expect(updated.status).toBe(200);
    expect(updated.json().data.summary).toBe('kept');
    expect(updated.json().data.publishedAt).not.toBe('1999-01-01T00:00:00.000Z');
    expect(Date.parse(updated.json().data.publishedAt)).toBeGreaterThan(Date.parse('2020-01-01'));
  });

  it('malformed JSON is a 400 in Strapi shape', async () => {
    for (const payload of [
      '{',
      '{"data": {"title": "x"',
      '{data: {}}',
      "{'data': {}}",
      '{"data": {}}}',
      'nul',
      '{"data": {"title": "x",}}',
      '\u0000',
      '{"data": NaN}',
    ]) {
      const res = await t.request({
        method: 'POST',
        url: '/api/articles',
        payload,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status, payload).toBe(400);
      const body = res.json();
      expect(body.data).toBeNull();
      expect(body.error).toMatchObject({ status: 400, name: 'ValidationError', details: {} });
      expect(typeof body.error.message).toBe('string');
    }
  });

  it('a body over the limit is 413 PayloadTooLargeError', async () => {
    const res = await post({ title: title(), body: 'x'.repeat(1024 * 1024 + 10) });
    expect(res.status).toBe(413);
    const body = res.json();
    expect(body.data).toBeNull();
    expect(body.error).toMatchObject({ status: 413, name: 'PayloadTooLargeError', details: {} });
    expect(typeof body.error.message).toBe('string');
  });

  it('deeply nested JSON is a 400, not a crash', async () => {
    for (const depth of [100, 10_000, 100_000]) {
      const arrays = `{"data":{"meta":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
      const objects = `{"data":{"meta":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`;
      for (const payload of [arrays, objects]) {
        const res = await t.request({
          method: 'POST',
          url: '/api/articles',
          payload,
          headers: { 'content-type': 'application/json' },
        });
        expect(res.status, `depth ${depth}`).toBe(400);
        expect(res.json().error).toMatchObject({ status: 400, name: 'ValidationError', details: {} });
      }
    }
    // A document with JSON nested within the limit is fine.
    const ok = await post({ title: title(), meta: JSON.parse(`${'{"a":'.repeat(30)}1${'}'.repeat(30)}`) });
    expect(ok.status).toBe(201);
    // The node still serves.
    expect((await t.request({ url: '/api/articles' })).status).toBe(200);
  });

  it('a body that is not JSON is 415', async () => {
    for (const contentType of [
      'text/plain',
      'application/xml',
      'application/octet-stream',
      'application/jsonx',
      'json',
    ]) {
      const res = await t.request({
        method: 'POST',
        url: '/api/articles',
        payload: JSON.stringify({ data: { title: title() } }),
        headers: { 'content-type': contentType },
      });
      expect(res.status, contentType).toBe(415);
      const body = res.json();
      expect(body.data).toBeNull();
      expect(body.error).toMatchObject({ status: 415, name: 'UnsupportedMediaTypeError', details: {} });
      expect(typeof body.error.message).toBe('string');
    }
    // Strapi also reads form bodies (koa-body); Quorum reads JSON only, and says so with a clear 4xx.
    for (const contentType of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await t.request({
        method: 'POST',
        url: '/api/articles',
        payload: 'data[title]=x',
        headers: { 'content-type': contentType },
      });
      expect([400, 415], contentType).toContain(res.status);
      expect(res.json().error).toMatchObject({ status: res.status, details: {} });
    }
    // An empty body is no body, whatever its declared type (fetch labels `body: ''` as text/plain).
    const doc = await created({});
    const del = await t.request({
      method: 'DELETE',
      url: `/api/articles/${doc.documentId as string}`,
      payload: '',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
    });
    expect(del.status, del.body).toBe(204);
    // application/json with a charset, and +json types, are JSON.
    for (const contentType of [
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/vnd.api+json',
    ]) {
      const res = await t.request({
        method: 'POST',
        url: '/api/articles',
        payload: JSON.stringify({ data: { title: title() } }),
        headers: { 'content-type': contentType },
      });
      expect(res.status, contentType).toBe(201);
    }
  });

  it('__proto__ and constructor.prototype keys are refused and pollute nothing', async () => {
    for (const payload of [
      '{"data":{"title":"x","__proto__":{"polluted":true}}}',
      '{"__proto__":{"polluted":true},"data":{"title":"x"}}',
      '{"data":{"title":"x","meta":{"__proto__":{"polluted":true}}}}',
      '{"data":{"title":"x","meta":{"constructor":{"prototype":{"polluted":true}}}}}',
      '{"data":{"title":"x","content":[{"type":"p","__proto__":{"polluted":true}}]}}',
    ]) {
      const res = await t.request({
        method: 'POST',
        url: '/api/articles',
        payload,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status, payload).toBe(400);
      expect(res.json().error).toMatchObject({ status: 400, name: 'ValidationError' });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // "constructor" as an ordinary unknown key is an invalid key.
    expectInvalidKey(await post({ title: title(), constructor: 'x' }), 'constructor');
  });
});
