import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode, type TestResponse } from '../helpers/node.js';

/**
 * API tokens on the content API (reference §2.2, §6.3, §6.5): full-access reaches every route,
 * read-only only find/findOne, an unknown or malformed token is 401, no token is 403, expired tokens are
 * 401 "Token expired", and a revoked token stops working once the verification cache expires.
 */

const UNAUTHORIZED = {
  data: null,
  error: { status: 401, name: 'UnauthorizedError', message: 'Missing or invalid credentials', details: {} },
};
const TOKEN_EXPIRED = {
  data: null,
  error: { status: 401, name: 'UnauthorizedError', message: 'Token expired', details: {} },
};
const FORBIDDEN = {
  data: null,
  error: { status: 403, name: 'ForbiddenError', message: 'Forbidden', details: {} },
};

function expectBody(res: TestResponse, status: number, body: unknown): void {
  expect(res.status, res.body).toBe(status);
  expect(res.json()).toEqual(body);
}

interface Route {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly body?: unknown;
  readonly read: boolean;
}

describeEachDatabase('API tokens', (kind) => {
  let t: TestNode;
  let documentId: string;

  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
    const res = await t.request({ method: 'POST', url: '/api/articles', body: { data: { title: 'Seen' } } });
    expect(res.status).toBe(201);
    documentId = res.json().data.documentId;
    const single = await t.request({ method: 'PUT', url: '/api/setting', body: { data: { siteName: 'S' } } });
    expect(single.status).toBe(200);
  });
  afterAll(() => t.close());

  /** Every content route, each against a document that exists. */
  function routes(): Route[] {
    return [
      { name: 'find', method: 'GET', url: '/api/articles', read: true },
      { name: 'findOne', method: 'GET', url: `/api/articles/${documentId}`, read: true },
      { name: 'create', method: 'POST', url: '/api/articles', body: { data: { title: 'new' } }, read: false },
      {
        name: 'update',
        method: 'PUT',
        url: `/api/articles/${documentId}`,
        body: { data: { title: 'Seen' } },
        read: false,
      },
      { name: 'delete', method: 'DELETE', url: '/api/articles/not-a-document', read: false },
      { name: 'single find', method: 'GET', url: '/api/setting', read: true },
      {
        name: 'single update',
        method: 'PUT',
        url: '/api/setting',
        body: { data: { siteName: 'S' } },
        read: false,
      },
      { name: 'single delete', method: 'DELETE', url: '/api/homepage', read: false },
    ];
  }

  const SUCCESS: Record<string, number> = {
    find: 200,
    findOne: 200,
    create: 201,
    update: 200,
    delete: 204,
    'single find': 200,
    'single update': 200,
    'single delete': 204,
  };

  it('a full-access token reaches every route', async () => {
    for (const route of routes()) {
      const res = await t.request({ ...route, auth: 'full' });
      expect(res.status, `${route.name}: ${res.body}`).toBe(SUCCESS[route.name]);
    }
  });

  it('a read-only token may find and findOne, and gets 403 on every write (collection and single types)', async () => {
    const count = async () =>
      (await t.request({ url: '/api/articles?filters[title][$eq]=new&status=draft' })).json().meta.pagination
        .total;
    const before = await count();
    for (const route of routes()) {
      const res = await t.request({ ...route, auth: 'read' });
      if (route.read) expect(res.status, `${route.name}: ${res.body}`).toBe(SUCCESS[route.name]);
      else expectBody(res, 403, FORBIDDEN);
    }
    // The refused writes changed nothing.
    expect(await count()).toBe(before);
    expect((await t.request({ url: '/api/setting' })).json().data.siteName).toBe('S');
  });

  it('no Authorization header is 403 on every route', async () => {
    for (const route of routes()) expectBody(await t.request({ ...route, auth: 'none' }), 403, FORBIDDEN);
  });

  it('an unknown token is 401 with Strapi’s exact body, on every route', async () => {
    for (const route of routes()) {
      expectBody(await t.request({ ...route, auth: `Bearer ${'0'.repeat(96)}` }), 401, UNAUTHORIZED);
    }
  });

  it('malformed Authorization headers are 401', async () => {
    const token = t.fullAccess.slice('Bearer '.length);
    for (const header of [
      'Bearer',
      'Bearer ',
      'Basic x',
      `Basic ${token}`,
      'Bearer a b',
      `Bearer ${token} extra`,
      `Token ${token}`,
      `${token}`,
      `Bearer${token}`,
      `Bearer ${token.slice(0, -1)}`,
      `Bearer ${token}0`,
      `Bearer ${token.toUpperCase()}`,
      `Bearer ${'x'.repeat(5000)}`,
      'Bearer café',
    ]) {
      expectBody(await t.request({ url: '/api/articles', auth: header }), 401, UNAUTHORIZED);
    }
  });

  it('the scheme is case-insensitive and the separator any whitespace, as Strapi splits on /\\s+/', async () => {
    const token = t.fullAccess.slice('Bearer '.length);
    for (const header of [
      `bearer ${token}`,
      `BEARER ${token}`,
      `bEaReR ${token}`,
      `Bearer  ${token}`,
      `Bearer\t${token}`,
    ]) {
      expect((await t.request({ url: '/api/articles', auth: header })).status, JSON.stringify(header)).toBe(
        200,
      );
    }
    const readToken = t.readOnly.slice('Bearer '.length);
    expectBody(
      await t.request({
        method: 'POST',
        url: '/api/articles',
        body: { data: { title: 'x' } },
        auth: `bearer ${readToken}`,
      }),
      403,
      FORBIDDEN,
    );
  });

  it('checks run in Strapi’s order: unknown route 404, then 401, then 403, then body validation', async () => {
    // An unknown type is 404 whatever the credentials.
    for (const auth of ['none', 'read', 'Bearer nope']) {
      const res = await t.request({ method: 'POST', url: '/api/unknown-things', body: { data: {} }, auth });
      expect(res.status).toBe(404);
    }
    // A bad token is 401 before a bad body is looked at; a read-only token is 403 before it.
    const badBody = { data: { nope: 1 } };
    expectBody(
      await t.request({ method: 'POST', url: '/api/articles', body: badBody, auth: 'Bearer nope' }),
      401,
      UNAUTHORIZED,
    );
    expectBody(
      await t.request({ method: 'POST', url: '/api/articles', body: badBody, auth: 'read' }),
      403,
      FORBIDDEN,
    );
    expectBody(
      await t.request({ method: 'POST', url: '/api/articles', body: badBody, auth: 'none' }),
      403,
      FORBIDDEN,
    );
    expect(
      (await t.request({ method: 'POST', url: '/api/articles', body: badBody, auth: 'full' })).status,
    ).toBe(400);
    // Likewise for a malformed query string on a read.
    expectBody(await t.request({ url: '/api/articles?filters[nope]=1', auth: 'none' }), 403, FORBIDDEN);
    expectBody(
      await t.request({ url: '/api/articles?filters[nope]=1', auth: 'Bearer x' }),
      401,
      UNAUTHORIZED,
    );
    expect((await t.request({ url: '/api/articles?filters[nope]=1', auth: 'read' })).status).toBe(400);
  });

  it('an expired token is 401 "Token expired"; one that expires later works', async () => {
    const expired = await t.node.tokens.create({
      name: 'expired',
      type: 'full-access',
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    for (const route of routes()) {
      expectBody(await t.request({ ...route, auth: `Bearer ${expired.token}` }), 401, TOKEN_EXPIRED);
    }
    const later = await t.node.tokens.create({
      name: 'expires-later',
      type: 'read-only',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect((await t.request({ url: '/api/articles', auth: `Bearer ${later.token}` })).status).toBe(200);
    expectBody(
      await t.request({
        method: 'DELETE',
        url: `/api/articles/${documentId}`,
        auth: `Bearer ${later.token}`,
      }),
      403,
      FORBIDDEN,
    );
  });

  it('a token that expires while cached stops working at its expiry', async () => {
    const soon = await t.node.tokens.create({
      name: 'expires-soon',
      type: 'full-access',
      expiresAt: new Date(Date.now() + 1_000).toISOString(),
    });
    expect((await t.request({ url: '/api/articles', auth: `Bearer ${soon.token}` })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expectBody(await t.request({ url: '/api/articles', auth: `Bearer ${soon.token}` }), 401, TOKEN_EXPIRED);
  });

  it('a token created while the node runs works at once', async () => {
    const fresh = await t.node.tokens.create({ name: 'fresh', type: 'full-access' });
    expect((await t.request({ url: '/api/articles', auth: `Bearer ${fresh.token}` })).status).toBe(200);
  });

  it('a token revoked before its first use is refused at once', async () => {
    const unused = await t.node.tokens.create({ name: 'unused', type: 'full-access' });
    expect(await t.node.tokens.revoke('unused')).toBe(true);
    expectBody(await t.request({ url: '/api/articles', auth: `Bearer ${unused.token}` }), 401, UNAUTHORIZED);
  });
});

describeEachDatabase('API token revocation', (kind) => {
  const TTL_MS = 300;
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen', config: { auth: { tokenCacheTtlMs: TTL_MS } } });
  });
  afterAll(() => t.close());

  it('a revoked token stops working once the cache TTL has passed', async () => {
    const { token } = await t.node.tokens.create({ name: 'to-revoke', type: 'full-access' });
    const auth = `Bearer ${token}`;
    expect((await t.request({ url: '/api/articles', auth })).status).toBe(200);
    expect(
      (await t.request({ method: 'POST', url: '/api/articles', body: { data: { title: 'ok' } }, auth }))
        .status,
    ).toBe(201);
    expect(await t.node.tokens.revoke('to-revoke')).toBe(true);
    const revokedAt = Date.now();

    // Within the TTL the node may still accept it (cached); after it, never again, on any route.
    let status = 200;
    while (Date.now() - revokedAt < TTL_MS * 10 && status === 200) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      status = (await t.request({ url: '/api/articles', auth })).status;
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(TTL_MS + 250);
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 50));
    expectBody(await t.request({ url: '/api/articles', auth }), 401, UNAUTHORIZED);
    expectBody(
      await t.request({ method: 'POST', url: '/api/articles', body: { data: { title: 'no' } }, auth }),
      401,
      UNAUTHORIZED,
    );
    // Revoking an unknown name reports it.
    expect(await t.node.tokens.revoke('to-revoke')).toBe(false);
    // The other tokens are unaffected.
    expect((await t.request({ url: '/api/articles', auth: 'full' })).status).toBe(200);
    expect((await t.request({ url: '/api/articles', auth: 'read' })).status).toBe(200);
  });
});
