import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import type { TestNode, TestResponse } from '../helpers/node.js';
import { startNodeWithPermissions } from '../helpers/users-permissions.js';

/**
 * Unbounded inputs (issue 16): every string of the built-in types is bounded, and a content `string`,
 * `email` or `uid` attribute without maxLength is bounded by 255 — Strapi stores all of these as
 * varchar(255) (its database layer maps string, email, uid, enumeration and password to knex `string`,
 * text and richtext to longtext), so data valid in Strapi stays valid here. A longer value is a 400
 * naming the field, in Strapi's words ("… must be at most 255 characters"). `text` and `richtext` stay
 * bounded only by the body limit, as longtext is in Strapi.
 */

function expectTooLong(res: TestResponse, field: string, max: number): void {
  expect(res.status, res.body.slice(0, 300)).toBe(400);
  const message = `${field} must be at most ${max} characters`;
  expect(res.json()).toEqual({
    data: null,
    error: {
      status: 400,
      name: 'ValidationError',
      message,
      details: { errors: [{ path: [field], message, name: 'ValidationError' }] },
    },
  });
}

describeEachDatabase('bounded strings', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startNodeWithPermissions({ kind, app: 'kitchen', permissions: { roles: {} } });
  });
  afterAll(() => t?.close());

  const post = (url: string, body: unknown, auth = 'none') => t.request({ method: 'POST', url, body, auth });
  const userCount = async () => (await t.request({ url: '/api/users/count' })).json() as number;

  it('register refuses a 300 KB username (and an over-long email or password) with a 400; 255 is fine', async () => {
    const before = await userCount();
    const huge = 'u'.repeat(300 * 1024);
    expectTooLong(
      await post('/api/auth/local/register', {
        username: huge,
        email: 'huge@example.com',
        password: 'pass-word-1',
      }),
      'username',
      255,
    );
    expectTooLong(
      await post('/api/auth/local/register', {
        username: 'longmail',
        email: `${'m'.repeat(250)}@example.com`,
        password: 'pass-word-1',
      }),
      'email',
      255,
    );
    expectTooLong(
      await post('/api/auth/local/register', {
        username: 'longpass',
        email: 'longpass@example.com',
        password: 'p'.repeat(256),
      }),
      'password',
      255,
    );
    expect(await userCount()).toBe(before);
    // Characters, not UTF-16 units or bytes: 255 emoji are 255 characters.
    const ok = await post('/api/auth/local/register', {
      username: '😀'.repeat(255),
      email: 'emoji@example.com',
      password: 'pass-word-1',
    });
    expect(ok.status, ok.body.slice(0, 300)).toBe(200);
  });

  it('POST /api/users and the user type itself keep the same bounds', async () => {
    expectTooLong(
      await post(
        '/api/users',
        { username: 'x'.repeat(256), email: 'x@example.com', password: 'pass-word-1' },
        'full',
      ),
      'username',
      255,
    );
    const created = await post(
      '/api/users',
      { username: 'provider', email: 'provider@example.com', password: 'pass-word-1' },
      'full',
    );
    expect(created.status, created.body).toBe(201);
    const update = await t.request({
      method: 'PUT',
      url: `/api/users/${created.json().id}`,
      body: { provider: 'p'.repeat(256) },
    });
    expectTooLong(update, 'provider', 255);
  });

  it('the auth routes refuse over-long values they only compare, before looking anything up', async () => {
    const res = await post('/api/auth/local', { identifier: 'i'.repeat(300 * 1024), password: 'x' });
    expectTooLong(res, 'identifier', 1024);
    expectTooLong(await post('/api/auth/forgot-password', { email: 'e'.repeat(2000) }), 'email', 1024);
  });

  it('content `string`, `email` and `uid` attributes without maxLength: 255 by default', async () => {
    const article = (data: Record<string, unknown>) =>
      post('/api/articles', { data: { title: 'Bounded', ...data } }, 'full');
    expect((await article({ internal: 'i'.repeat(255) })).status).toBe(201);
    expectTooLong(await article({ internal: 'i'.repeat(256) }), 'internal', 255);
    expectTooLong(await article({ slug: 's'.repeat(256) }), 'slug', 255);
    expectTooLong(await article({ contact: `${'c'.repeat(250)}@example.com` }), 'contact', 255);
    // An explicit maxLength still wins (title: 100).
    expectTooLong(await article({ title: 't'.repeat(101) }), 'title', 100);
  });

  it('`text` and `richtext` stay bounded by the body limit only, as Strapi’s longtext', async () => {
    const res = await post(
      '/api/articles',
      { data: { title: 'Long', summary: 's'.repeat(200_000), body: 'b'.repeat(200_000) } },
      'full',
    );
    expect(res.status, res.body.slice(0, 300)).toBe(201);
    expect(res.json().data.summary).toHaveLength(200_000);
  });
});
