import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode, type TestResponse } from '../helpers/node.js';

/**
 * HTTP basics every client and load balancer relies on (DESIGN.md "Contracts", README "Health"):
 * health and readiness, X-Request-Id, Strapi-shaped 404/405, trailing slashes.
 */

const NOT_FOUND = {
  data: null,
  error: { status: 404, name: 'NotFoundError', message: 'Not Found', details: {} },
};
const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function expectNotFound(res: TestResponse): void {
  expect(res.status, res.body).toBe(404);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.json()).toEqual(NOT_FOUND);
}

describeEachDatabase('HTTP basics', (kind) => {
  let t: TestNode;
  let documentId: string;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
    documentId = (
      await t.request({ method: 'POST', url: '/api/articles', body: { data: { title: 'Basics' } } })
    ).json().data.documentId;
  });
  afterAll(() => t.close());

  it('GET /_health is 204 with an empty body, without credentials', async () => {
    for (const auth of ['none', 'full', 'Bearer invalid']) {
      const res = await t.request({ url: '/_health', auth });
      expect(res.status).toBe(204);
      expect(res.body).toBe('');
    }
  });

  it('GET /readyz is 200 {status:"ready"} and not cacheable', async () => {
    const res = await t.request({ url: '/readyz', auth: 'none' });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ status: 'ready' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('echoes a valid X-Request-Id on every kind of response', async () => {
    const ids = ['abc', 'a', 'A-Z.a_z:0-9', randomUUID(), 'x'.repeat(128), '...', '::'];
    const urls = [
      '/_health',
      '/readyz',
      '/api/articles',
      `/api/articles/${documentId}`,
      '/api/nothing',
      '/api/articles?filters[nope]=1',
    ];
    for (const id of ids) {
      for (const url of urls) {
        const res = await t.request({ url, headers: { 'x-request-id': id } });
        expect(res.headers['x-request-id'], `${url} ${id}`).toBe(id);
      }
    }
    const post = await t.request({
      method: 'POST',
      url: '/api/articles',
      payload: '{',
      headers: { 'x-request-id': 'bad-body-1', 'content-type': 'application/json' },
    });
    expect(post.status).toBe(400);
    expect(post.headers['x-request-id']).toBe('bad-body-1');
    const forbidden = await t.request({
      url: '/api/articles',
      auth: 'none',
      headers: { 'x-request-id': 'no-auth-1' },
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers['x-request-id']).toBe('no-auth-1');
  });

  it('replaces an invalid X-Request-Id with a generated one', async () => {
    const invalid = [
      '',
      'x'.repeat(129),
      'has space',
      'slash/es',
      'semi;colon',
      '<script>',
      'quote"',
      'comma,separated',
      'é',
      'tab\there',
      '{}',
    ];
    const seen = new Set<string>();
    for (const id of invalid) {
      const res = await t.request({ url: '/api/articles', headers: { 'x-request-id': id } });
      expect(res.status).toBe(200);
      const echoed = res.headers['x-request-id'];
      expect(typeof echoed).toBe('string');
      expect(echoed, JSON.stringify(id)).not.toBe(id);
      expect(echoed).toMatch(VALID_ID);
      seen.add(echoed as string);
    }
    expect(seen.size).toBe(invalid.length);
  });

  it('generates a distinct X-Request-Id when none is sent', async () => {
    const a = (await t.request({ url: '/_health' })).headers['x-request-id'];
    const b = (await t.request({ url: '/_health' })).headers['x-request-id'];
    expect(a).toMatch(VALID_ID);
    expect(b).toMatch(VALID_ID);
    expect(a).not.toBe(b);
  });

  it('unknown routes are 404 in Strapi’s shape, whatever the method and credentials', async () => {
    const cases: { method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'; url: string }[] = [
      { method: 'GET', url: '/' },
      { method: 'GET', url: '/nowhere' },
      { method: 'GET', url: '/api' },
      { method: 'GET', url: '/api/' },
      { method: 'GET', url: '/api/nothing' },
      { method: 'GET', url: '/api/nothing/abc' },
      { method: 'GET', url: '/api/articles/a/b' },
      { method: 'GET', url: '/api/homepage/abc' },
      { method: 'GET', url: '/api/homepages' },
      { method: 'GET', url: '/api/article' },
      { method: 'GET', url: '/API/articles' },
      { method: 'GET', url: '/api/Articles' },
      // /admin itself is the admin UI (test/admin-ui); the admin API's unknown paths stay JSON 404s.
      { method: 'GET', url: '/admin/api' },
      { method: 'GET', url: '/admin/api/nothing' },
      { method: 'POST', url: '/api/nothing' },
      { method: 'PUT', url: '/api/nothing/abc' },
      { method: 'DELETE', url: '/api/nothing/abc' },
      { method: 'GET', url: `/api/articles/${documentId}/extra` },
    ];
    for (const { method, url } of cases) {
      for (const auth of ['full', 'none']) {
        const res = await t.request({ method, url, auth });
        expect(res.status, `${method} ${url}`).toBe(404);
        expect(res.json(), `${method} ${url}`).toEqual(NOT_FOUND);
      }
    }
    // An unknown document is a 404 too (for a caller allowed to look).
    expectNotFound(await t.request({ url: '/api/articles/abcdefghijklmnopqrstuvwx' }));
    expectNotFound(await t.request({ url: `/api/articles/${'x'.repeat(300)}` }));
    expectNotFound(await t.request({ url: `/api/articles/${documentId.toUpperCase()}` }));
  });

  it('POST on a single type is 405 in Strapi’s shape', async () => {
    for (const url of ['/api/homepage', '/api/setting']) {
      for (const auth of ['full', 'read', 'none']) {
        const res = await t.request({ method: 'POST', url, body: { data: { title: 'x' } }, auth });
        expect(res.status, `${url} ${auth}`).toBe(405);
        const body = res.json();
        expect(Object.keys(body)).toEqual(['data', 'error']);
        expect(body.data).toBeNull();
        expect(body.error).toEqual({
          status: 405,
          name: 'MethodNotAllowedError',
          message: expect.any(String),
          details: {},
        });
      }
    }
    // Nothing was created.
    expect((await t.request({ url: '/api/homepage' })).status).toBe(404);
  });

  // Strapi mounts koa-router's allowedMethods(): a path that exists answers the methods it does not
  // serve with 405 and an Allow header (RFC 9110 §15.5.6 requires the header).
  const WRONG_METHODS = (id: string) =>
    [
      { method: 'POST', url: '/api/homepage', allow: ['DELETE', 'GET', 'PUT'] },
      { method: 'PATCH', url: '/api/homepage', allow: ['DELETE', 'GET', 'PUT'] },
      { method: 'PUT', url: '/api/articles', allow: ['GET', 'POST'] },
      { method: 'DELETE', url: '/api/articles', allow: ['GET', 'POST'] },
      { method: 'PATCH', url: '/api/articles', allow: ['GET', 'POST'] },
      { method: 'POST', url: `/api/articles/${id}`, allow: ['DELETE', 'GET', 'PUT'] },
      { method: 'PATCH', url: `/api/articles/${id}`, allow: ['DELETE', 'GET', 'PUT'] },
    ] as const;

  it('a method a known path does not serve is 405 in Strapi’s shape', async () => {
    for (const { method, url } of WRONG_METHODS(documentId)) {
      const res = await t.request({ method, url, body: { data: {} } });
      expect(res.status, `${method} ${url}`).toBe(405);
      expect(res.json().error, `${method} ${url}`).toEqual({
        status: 405,
        name: 'MethodNotAllowedError',
        message: expect.any(String),
        details: {},
      });
    }
  });

  it('a 405 names the methods the path serves in an Allow header', async () => {
    for (const { method, url, allow } of WRONG_METHODS(documentId)) {
      const res = await t.request({ method, url, body: { data: {} } });
      const allowed = String(res.headers.allow ?? '')
        .split(',')
        .map((m) => m.trim().toUpperCase())
        .filter((m) => m !== '' && m !== 'HEAD' && m !== 'OPTIONS')
        .sort();
      expect(allowed, `${method} ${url}`).toEqual(allow);
    }
  });

  it('accepts a trailing slash on every route', async () => {
    const list = await t.request({ url: '/api/articles/' });
    expect(list.status).toBe(200);
    expect(list.json()).toEqual((await t.request({ url: '/api/articles' })).json());
    const withQuery = await t.request({ url: '/api/articles/?fields=title' });
    expect(withQuery.status).toBe(200);
    expect(Object.keys(withQuery.json().data[0])).toEqual(['id', 'documentId', 'title']);
    const one = await t.request({ url: `/api/articles/${documentId}/` });
    expect(one.status).toBe(200);
    expect(one.json().data.documentId).toBe(documentId);
    const created = await t.request({
      method: 'POST',
      url: '/api/articles/',
      body: { data: { title: 'Slash' } },
    });
    expect(created.status).toBe(201);
    const updated = await t.request({
      method: 'PUT',
      url: `/api/articles/${created.json().data.documentId}/`,
      body: { data: { title: 'Slash 2' } },
    });
    expect(updated.status).toBe(200);
    expect(updated.json().data.title).toBe('Slash 2');
    expect(
      (await t.request({ method: 'PUT', url: '/api/setting/', body: { data: { siteName: 's' } } })).status,
    ).toBe(200);
    expect((await t.request({ url: '/api/setting/' })).status).toBe(200);
    expect(
      (await t.request({ method: 'DELETE', url: `/api/articles/${created.json().data.documentId}/` })).status,
    ).toBe(204);
    expect((await t.request({ url: '/_health/' })).status).toBe(204);
    expect((await t.request({ url: '/readyz/' })).status).toBe(200);
  });

  it('a path that cannot be percent-decoded is a 400 in Strapi’s shape, never a 500', async () => {
    for (const url of ['/api/articles/%', '/api/articles/%zz', '/api/articles/%E0%A4%A', '/api/%FF', '/%']) {
      const res = await t.request({ url, headers: { 'x-request-id': 'bad-url-1' } });
      expect(res.status, url).toBe(400);
      const body = res.json();
      expect(Object.keys(body), url).toEqual(['data', 'error']);
      expect(body.data).toBeNull();
      expect(body.error).toEqual({
        status: 400,
        name: expect.any(String),
        message: expect.any(String),
        details: {},
      });
      expect(res.headers['x-request-id']).toBe('bad-url-1');
    }
  });

  it('a query string with broken percent-encoding is read as qs reads it (values kept raw), not a 5xx', async () => {
    // qs reads `?%` as the key "%": an unknown top-level key, which Strapi 5.54 answers 400 `Invalid key`
    // (measured: test/fixtures/strapi-5.54-answers/m-unknown-key-list.json).
    for (const [url, key] of [
      ['/api/articles?%', '%'],
      ['/api/articles?%zz=1&%=', '%zz'],
    ]) {
      const res = await t.request({ url });
      expect(res.status, url).toBe(400);
      expect(res.json().error).toMatchObject({ name: 'ValidationError', message: `Invalid key ${key}` });
    }
    for (const url of ['/api/articles?filters[title]=%E0%A4%A', '/api/articles?_q=%zz']) {
      const res = await t.request({ url });
      expect(res.status, url).toBe(200);
      expect(res.json().data).toEqual([]);
    }
  });

  it('a body without a Content-Type is refused with a 4xx, not parsed', async () => {
    const res = await t.request({ method: 'POST', url: '/api/articles', payload: '{"data":{"title":"x"}}' });
    expect([400, 415]).toContain(res.status);
    expect(res.json().error.status).toBe(res.status);
  });
});
