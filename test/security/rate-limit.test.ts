import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { send, sleep, type Reply } from './support.js';

/**
 * Rate limits on the authentication routes (issue 4; reference §6.1): `rateLimit.auth.max` requests per
 * `rateLimit.auth.windowMs` per route and client address, counted in the database; beyond that 429 with
 * Strapi's body and a Retry-After header. Counted before the body is even parsed.
 */

const STRAPI_429 = {
  data: null,
  error: {
    status: 429,
    name: 'RateLimitError',
    message: 'Too many attempts, please try again in a minute.',
    details: {},
  },
};

function expectRateLimited(res: Reply, windowSeconds: number): void {
  expect(res.status, res.body).toBe(429);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.json()).toEqual(STRAPI_429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
}

/** Every limited route with a body it accepts or refuses with a 4xx (the limit counts both). */
const ROUTES: Record<string, unknown> = {
  '/api/auth/local': { identifier: 'nobody', password: 'x' },
  '/api/auth/local/register': { username: 'x' },
  '/api/auth/forgot-password': { email: 'someone@example.com' },
  '/api/auth/reset-password': { code: 'nope', password: 'a', passwordConfirmation: 'a' },
  '/api/auth/send-email-confirmation': { email: 'someone@example.com' },
  '/api/auth/change-password': { currentPassword: 'a', password: 'b', passwordConfirmation: 'b' },
};

describeEachDatabase('rate limits on the authentication routes', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({
      kind,
      app: 'relations',
      config: {
        rateLimit: { auth: { max: 3, windowMs: 60_000 } },
        bruteForce: { maxFailures: 1000 },
      },
    });
  });
  afterAll(() => t.close());

  it('answers 429 with Strapi’s body and Retry-After after max requests, on every auth route', async () => {
    let n = 0;
    for (const [url, body] of Object.entries(ROUTES)) {
      const from = `198.51.100.${++n}`;
      for (let i = 0; i < 3; i++) {
        const res = await send(t.node, { url, body, from });
        expect(res.status, `${url} #${i + 1}: ${res.body}`).toBeLessThan(429);
      }
      expectRateLimited(await send(t.node, { url, body, from }), 60);
      expectRateLimited(await send(t.node, { url, body, from }), 60);
    }
  });

  it('counts per route and per client address', async () => {
    const from = '203.0.113.1';
    const url = '/api/auth/forgot-password';
    for (let i = 0; i < 3; i++) await send(t.node, { url, body: ROUTES[url], from });
    expectRateLimited(await send(t.node, { url, body: ROUTES[url], from }), 60);
    // Another route from the same address, the same route from another address: counted apart.
    const login = await send(t.node, { url: '/api/auth/local', body: ROUTES['/api/auth/local'], from });
    expect(login.status, login.body).toBe(400);
    const other = await send(t.node, { url, body: ROUTES[url], from: '203.0.113.2' });
    expect(other.status, other.body).toBe(200);
  });

  it('counts requests whatever their body, even before it is parsed', async () => {
    const from = '203.0.113.10';
    const url = '/api/auth/local';
    const bodies = [{ nope: true }, 'not json', '[]'];
    for (const payload of bodies) {
      const res = await t.node.app.inject({
        method: 'POST',
        url,
        remoteAddress: from,
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(400);
    }
    const res = await t.node.app.inject({
      method: 'POST',
      url,
      remoteAddress: from,
      payload: '{"broken',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(429);
    expect(res.json()).toEqual(STRAPI_429);
  });

  it('does not limit other routes', async () => {
    for (let i = 0; i < 6; i++) {
      const res = await send(t.node, { method: 'GET', url: '/api/articles', from: '203.0.113.20' });
      expect(res.status).toBe(200);
    }
  });

  it('costs one statement per request', async () => {
    const statements: string[] = [];
    const from = '203.0.113.30';
    await send(t.node, { url: '/api/auth/forgot-password', body: {}, from });
    const stop = t.node.database.onQuery((event) => statements.push(event.sql));
    try {
      const res = await send(t.node, { url: '/api/auth/forgot-password', body: {}, from });
      expect(res.status).toBe(400);
    } finally {
      stop();
    }
    const limits = statements.filter((s) => s.includes('quorum_rate_limits'));
    expect(limits).toHaveLength(1);
    expect(limits[0]).toMatch(/^\s*insert into quorum_rate_limits/);
  });
});

describeEachDatabase('rate-limit windows', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({
      kind,
      app: 'relations',
      config: { rateLimit: { auth: { max: 2, windowMs: 1000 } } },
    });
  });
  afterAll(() => t.close());

  it('lets requests through again once the window is over, and prunes old windows', async () => {
    const url = '/api/auth/forgot-password';
    const body = ROUTES[url];
    const from = '198.51.100.200';
    // Start at the beginning of a window so the three requests fall into the same one.
    await sleep(1000 - (Date.now() % 1000) + 5);
    expect((await send(t.node, { url, body, from })).status).toBe(200);
    expect((await send(t.node, { url, body, from })).status).toBe(200);
    const refused = await send(t.node, { url, body, from });
    expectRateLimited(refused, 1);
    await sleep(Number(refused.headers['retry-after']) * 1000);
    expect((await send(t.node, { url, body, from })).status).toBe(200);
    // Rows of windows long gone are deleted by a later request.
    await sleep(2100);
    await send(t.node, { url, body, from: '198.51.100.201' });
    const rows = await t.node.database.db.selectFrom('quorum_rate_limits').select('key').execute();
    expect(rows.map((row) => row.key)).not.toContain(`${url}|${from}`);
  });
});
