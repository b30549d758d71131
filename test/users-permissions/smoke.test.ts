import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

describeEachDatabase('users & permissions: sign-up, login, roles, conditions', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations' });
  });
  afterAll(() => t.close());

  const json = (body: unknown) => ({ body, auth: 'none' as const });

  it('registers, logs in and reads itself', async () => {
    const reg = await t.request({
      method: 'POST',
      url: '/api/auth/local/register',
      ...json({ username: 'alice', email: 'Alice@Example.com', password: 'secret123' }),
    });
    expect(reg.status, reg.body).toBe(200);
    const { jwt, user } = reg.json();
    expect(Object.keys(user).sort()).toEqual(
      [
        'blocked',
        'confirmed',
        'createdAt',
        'documentId',
        'email',
        'id',
        'provider',
        'publishedAt',
        'updatedAt',
        'username',
      ].sort(),
    );
    expect(user.email).toBe('alice@example.com');
    const login = await t.request({
      method: 'POST',
      url: '/api/auth/local',
      ...json({ identifier: 'alice@example.com', password: 'secret123' }),
    });
    expect(login.status).toBe(200);
    const me = await t.request({ url: '/api/users/me', auth: `Bearer ${jwt}` });
    expect(me.json()).toMatchObject({ username: 'alice' });
    const bad = await t.request({
      method: 'POST',
      url: '/api/auth/local',
      ...json({ identifier: 'alice', password: 'nope' }),
    });
    expect(bad.status).toBe(400);
    expect(bad.json().error.message).toBe('Invalid identifier or password');
    expect((await t.request({ url: '/api/users/me', auth: 'none' })).status).toBe(403);
    expect((await t.request({ url: '/api/users/me', auth: 'Bearer a.b.c' })).status).toBe(401);
  });

  it('grants Public what permissions.json says, and conditions limit writes to owned documents', async () => {
    expect((await t.request({ url: '/api/articles', auth: 'none' })).status).toBe(200);
    expect((await t.request({ url: '/api/authors', auth: 'none' })).status).toBe(403);
    const a = (
      await t.request({
        method: 'POST',
        url: '/api/auth/local/register',
        ...json({ username: 'owner1', email: 'o1@example.com', password: 'secret123' }),
      })
    ).json();
    const b = (
      await t.request({
        method: 'POST',
        url: '/api/auth/local/register',
        ...json({ username: 'owner2', email: 'o2@example.com', password: 'secret123' }),
      })
    ).json();
    const mine = await t.request({
      method: 'POST',
      url: '/api/articles',
      body: { data: { title: 'Mine', owner: a.user.id } },
      auth: `Bearer ${a.jwt}`,
    });
    expect(mine.status, mine.body).toBe(201);
    const id = mine.json().data.documentId;
    expect(
      (
        await t.request({
          method: 'PUT',
          url: `/api/articles/${id}`,
          body: { data: { title: 'Stolen' } },
          auth: `Bearer ${b.jwt}`,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await t.request({
          method: 'PUT',
          url: `/api/articles/${id}`,
          body: { data: { title: 'Mine, edited' } },
          auth: `Bearer ${a.jwt}`,
        })
      ).status,
    ).toBe(200);
  });
});
