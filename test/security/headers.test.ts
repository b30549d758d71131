import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { send } from './support.js';

/**
 * Security headers on every response (Helmet's, set for a JSON API plus a same-origin admin UI) and
 * CORS from `security.cors`: any origin by default as Strapi, a list, or none; preflights answered on
 * every /api route, although the content routes declare no OPTIONS handler.
 */

const PATHS = ['/api/articles', '/api/articles/doesnotexist', '/api/nope', '/_health', '/api/auth/local'];

function preflight(t: TestNode, url: string, origin: string, method = 'PUT') {
  return send(t.node, {
    method: 'OPTIONS',
    url,
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization,content-type',
    },
  });
}

describeEachDatabase('security headers and CORS (defaults)', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations' });
  });
  afterAll(() => t.close());

  it('sends the security headers on every kind of response', async () => {
    for (const url of PATHS) {
      const res = await send(t.node, {
        method: url === '/api/auth/local' ? 'POST' : 'GET',
        url,
        body: url === '/api/auth/local' ? {} : undefined,
      });
      const h = res.headers;
      expect(h['x-content-type-options'], url).toBe('nosniff');
      expect(h['x-frame-options'], url).toBe('DENY');
      expect(h['referrer-policy'], url).toBe('no-referrer');
      expect(h['cross-origin-resource-policy'], url).toBe('cross-origin');
      expect(h['cross-origin-opener-policy'], url).toBe('same-origin');
      const csp = String(h['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(h['strict-transport-security'], 'no HSTS unless configured').toBeUndefined();
      expect(h['x-powered-by']).toBeUndefined();
      expect(h['x-request-id']).toEqual(expect.any(String));
    }
  });

  it('lets any origin read the API by default, exposing X-Request-Id', async () => {
    const res = await send(t.node, {
      method: 'GET',
      url: '/api/articles',
      headers: { origin: 'https://anywhere.example' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(String(res.headers['access-control-expose-headers'])).toContain('X-Request-Id');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('answers preflights on every /api route, before authentication', async () => {
    const urls = [
      '/api/articles',
      '/api/articles/abc',
      '/api/global',
      '/api/auth/local',
      '/api/auth/local/register',
      '/api/users/me',
      '/api/users/1',
      '/api/no-such-type',
    ];
    for (const url of urls) {
      const res = await preflight(t, url, 'https://app.example', 'DELETE');
      expect(res.status, `${url}: ${res.body}`).toBe(204);
      expect(res.headers['access-control-allow-origin'], url).toBe('*');
      expect(String(res.headers['access-control-allow-methods']), url).toContain('DELETE');
      expect(res.headers['access-control-allow-headers'], url).toBe('authorization,content-type');
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
    }
  });

  it('exposes Retry-After on a 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await send(t.node, {
        url: '/api/auth/forgot-password',
        body: {},
        from: '198.51.100.77',
        headers: { origin: 'https://app.example' },
      });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers['retry-after']).toMatch(/^\d+$/);
        expect(res.headers['access-control-allow-origin']).toBe('*');
        expect(String(res.headers['access-control-expose-headers'])).toContain('Retry-After');
      }
    }
    // The default limit is 10 per minute.
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});

describeEachDatabase('CORS with a list of origins, credentials, and HSTS', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({
      kind,
      app: 'relations',
      config: {
        security: {
          cors: { origin: ['https://app.example', 'http://localhost:3000'], credentials: true },
          hsts: { enabled: true, maxAge: 86400, includeSubDomains: true },
        },
      },
    });
  });
  afterAll(() => t.close());

  it('allows only the listed origins, with credentials', async () => {
    const allowed = await send(t.node, {
      method: 'GET',
      url: '/api/articles',
      headers: { origin: 'https://app.example' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    expect(String(allowed.headers.vary)).toMatch(/origin/i);
    const denied = await send(t.node, {
      method: 'GET',
      url: '/api/articles',
      headers: { origin: 'https://evil.example' },
    });
    expect(denied.status).toBe(200);
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers preflights for listed origins only', async () => {
    const ok = await preflight(t, '/api/articles', 'http://localhost:3000');
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    const denied = await preflight(t, '/api/articles', 'https://evil.example');
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends HSTS when configured', async () => {
    const res = await send(t.node, { method: 'GET', url: '/api/articles' });
    expect(res.headers['strict-transport-security']).toBe('max-age=86400; includeSubDomains');
  });
});

describeEachDatabase('CORS switched off', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations', config: { security: { cors: { origin: false } } } });
  });
  afterAll(() => t.close());

  it('sends no CORS headers and answers no preflight', async () => {
    const res = await send(t.node, {
      method: 'GET',
      url: '/api/articles',
      headers: { origin: 'https://app.example' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await preflight(t, '/api/articles', 'https://app.example');
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(pre.status).toBe(404);
    expect(pre.json().error.name).toBe('NotFoundError');
    expect(pre.headers['x-content-type-options']).toBe('nosniff');
  });
});
