import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { applySystemMigrations } from '../../src/db/system/apply.js';
import { createNode, type QuorumNode } from '../../src/node/node.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../helpers/databases.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { TEST_SECRET, fixtureAppPath, startTestNode, type TestNode } from '../helpers/node.js';
import { FIRST_ADMIN, expectError, expectNoSecrets, login } from './helpers.js';

describeEachDatabase('admin API: first-admin setup', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
  });
  afterAll(() => t.close());

  it('reports no admin, refuses bad setup bodies, registers the first admin once, then 403', async () => {
    const init = await t.request({ url: '/admin/api/init', auth: 'none' });
    expect(init.status).toBe(200);
    expect(init.json()).toEqual({ data: { hasAdmin: false } });

    const post = (body: unknown) =>
      t.request({ method: 'POST', url: '/admin/api/register-admin', body, auth: 'none' });
    expectError(await post({ email: 'not-an-email', password: 'rootpass123' }), 400, 'ValidationError');
    const weak = await post({ email: 'a@example.com', password: 'short1' });
    expectError(weak, 400, 'ValidationError');
    expect(weak.json().error.message).toMatch(/at least 8 characters/);
    expectError(await post({ email: 'a@example.com', password: 'onlyletters' }), 400, 'ValidationError');
    expectError(await post({ email: 'a@example.com', password: '1234567890' }), 400, 'ValidationError');
    const extra = await post({ ...FIRST_ADMIN, isAdmin: true });
    expectError(extra, 400, 'ValidationError');
    expect(extra.json().error.message).toBe('Invalid key isAdmin');
    const missing = await post({});
    expectError(missing, 400, 'ValidationError');
    expect(
      missing
        .json()
        .error.details.errors.map((e: { path: string[] }) => e.path[0])
        .sort(),
    ).toEqual(['email', 'password']);
    expectError(await post([1, 2]), 400, 'ValidationError');
    expectError(await post({ email: 5, password: { $gt: '' } }), 400, 'ValidationError');
    const malformed = await t.request({
      method: 'POST',
      url: '/admin/api/register-admin',
      payload: '{"email":',
      headers: { 'content-type': 'application/json' },
      auth: 'none',
    });
    expectError(malformed, 400);
    expectNoSecrets(weak, 'short1');

    const first = await post(FIRST_ADMIN);
    expect(first.status, first.body).toBe(200);
    const { data } = first.json();
    expect(typeof data.token).toBe('string');
    expect(typeof data.refreshToken).toBe('string');
    expect(data.user).toMatchObject({
      email: FIRST_ADMIN.email,
      firstname: 'Root',
      isActive: true,
      blocked: false,
      roles: [{ code: 'strapi-super-admin' }],
    });
    expectNoSecrets(first, FIRST_ADMIN.password);

    expect((await t.request({ url: '/admin/api/init', auth: 'none' })).json()).toEqual({
      data: { hasAdmin: true },
    });
    const again = await post({ email: 'second@example.com', password: 'another123' });
    expectError(again, 403, 'ForbiddenError');
    // The first admin can log in with the registered credentials (email compared lower-cased).
    await login(t, 'ROOT@Example.com', FIRST_ADMIN.password);
  });

  it('seeds the three built-in roles with their permissions', async () => {
    const admin = await login(t, FIRST_ADMIN.email, FIRST_ADMIN.password);
    const roles = (await t.request({ url: '/admin/api/roles', auth: admin.auth })).json().data;
    expect(roles.map((r: { code: string }) => r.code)).toEqual([
      'strapi-super-admin',
      'strapi-editor',
      'strapi-author',
    ]);
    expect(roles[0].usersCount).toBe(1);
    const permissionsOf = async (id: number) =>
      (await t.request({ url: `/admin/api/roles/${id}/permissions`, auth: admin.auth })).json().data;
    const editor = await permissionsOf(roles[1].id);
    expect(editor.map((p: { action: string }) => p.action).sort()).toEqual([
      'plugin::content-manager.explorer.create',
      'plugin::content-manager.explorer.delete',
      'plugin::content-manager.explorer.publish',
      'plugin::content-manager.explorer.read',
      'plugin::content-manager.explorer.update',
      'plugin::upload.assets.create',
      'plugin::upload.assets.delete',
      'plugin::upload.assets.update',
      'plugin::upload.read',
    ]);
    expect(
      editor.every(
        (p: { subject: null; conditions: string[] }) => p.subject === null && !p.conditions.length,
      ),
    ).toBe(true);
    // Authors: their own documents only; in the media library they may browse and upload (files record
    // no creator to limit updates and deletes to).
    const author = await permissionsOf(roles[2].id);
    const [content, media] = [
      author.filter((p: { action: string }) => p.action.startsWith('plugin::content-manager.')),
      author.filter((p: { action: string }) => p.action.startsWith('plugin::upload.')),
    ];
    expect(content).toHaveLength(5);
    expect(author).toHaveLength(content.length + media.length);
    expect(content.every((p: { conditions: string[] }) => p.conditions.join() === 'admin::is-creator')).toBe(
      true,
    );
    expect(media.map((p: { action: string }) => p.action).sort()).toEqual([
      'plugin::upload.assets.create',
      'plugin::upload.read',
    ]);
    const superAdmin = await permissionsOf(roles[0].id);
    expect(superAdmin.map((p: { action: string }) => p.action)).toContain('admin::api-tokens.create');
  });

  it('gives built-in roles seeded before the media library its grants on upgrade, once', async () => {
    const { db, dialect } = t.node.database;
    const mediaGrants = async () =>
      (
        await db
          .selectFrom('quorum_admin_permissions as p')
          .innerJoin('quorum_admin_roles as r', 'r.id', 'p.role_id')
          .select(['r.code', 'p.action'])
          .where('p.action', 'like', 'plugin::upload.%')
          .where('r.code', 'in', ['strapi-editor', 'strapi-author'])
          .orderBy('r.code')
          .orderBy('p.action')
          .execute()
      ).map((row) => `${row.code} ${row.action}`);
    const seeded = await mediaGrants();
    expect(seeded).toHaveLength(6);
    // A database from before: the roles exist without media grants, and the migration has not run.
    const roleIds = db
      .selectFrom('quorum_admin_roles')
      .select('id')
      .where('code', 'in', ['strapi-editor', 'strapi-author']);
    await db
      .deleteFrom('quorum_admin_permissions')
      .where('action', 'like', 'plugin::upload.%')
      .where('role_id', 'in', roleIds)
      .execute();
    await db.deleteFrom('quorum_migrations').where('name', '=', '0501-admin-media-grants').execute();
    expect(await mediaGrants()).toEqual([]);

    const upgrade = () => db.transaction().execute((trx) => applySystemMigrations(trx, dialect));
    expect(await upgrade()).toEqual(['0501-admin-media-grants']);
    expect(await mediaGrants()).toEqual(seeded);
    // Running it again (on a database that has the grants) adds nothing.
    await db.deleteFrom('quorum_migrations').where('name', '=', '0501-admin-media-grants').execute();
    await upgrade();
    expect(await mediaGrants()).toEqual(seeded);
  });
});

describeEachDatabase('admin API: concurrent first-admin registration', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
  });
  afterAll(() => t.close());

  it('creates exactly one admin when several setups race', async () => {
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        t.request({
          method: 'POST',
          url: '/admin/api/register-admin',
          body: { email: `racer${n}@example.com`, password: `racerpass${n}` },
          auth: 'none',
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 403, 403, 403]);
    const winner = results.find((r) => r.status === 200)!.json().data;
    const list = await t.request({ url: '/admin/api/users', auth: `Bearer ${winner.token}` });
    expect(list.json().data.pagination.total).toBe(1);
  });
});

describeEachDatabase('admin API: first admin from the environment', (kind) => {
  let t: TestNode;
  const env = { QUORUM_ADMIN_EMAIL: 'Env.Admin@Example.com', QUORUM_ADMIN_PASSWORD: 'envpass1234' };
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen', env });
  });
  afterAll(() => t.close());

  it('creates the super admin at start; setup is then closed', async () => {
    expect((await t.request({ url: '/admin/api/init', auth: 'none' })).json().data.hasAdmin).toBe(true);
    const admin = await login(t, 'env.admin@example.com', 'envpass1234');
    expect(admin.user.roles.map((r) => r.code)).toEqual(['strapi-super-admin']);
    expectError(
      await t.request({ method: 'POST', url: '/admin/api/register-admin', body: FIRST_ADMIN, auth: 'none' }),
      403,
    );
  });

  it('does not create a second admin when a node restarts with other credentials', async () => {
    const env = {
      DATABASE_URL: t.db.url,
      QUORUM_SECRET: TEST_SECRET,
      QUORUM_ADMIN_EMAIL: 'other@example.com',
      QUORUM_ADMIN_PASSWORD: 'otherpass123',
    };
    const config = loadConfig({ appDir: t.appDir, env });
    const node = await createNode(config, { logger: pino({ level: 'silent' }), env });
    try {
      const admin = await login(t, 'env.admin@example.com', 'envpass1234');
      const list = await t.request({ url: '/admin/api/users', auth: admin.auth });
      expect(list.json().data.results.map((u: { email: string }) => u.email)).toEqual([
        'env.admin@example.com',
      ]);
    } finally {
      await node.stop({ drainMs: 0 });
    }
  });
});

describe('admin API: a weak QUORUM_ADMIN_PASSWORD stops the start with a clear message', () => {
  let db: TestDatabase | undefined;
  afterAll(() => db?.drop());

  it('refuses to start', async () => {
    db = await createTestDatabase('sqlite');
    const env = {
      DATABASE_URL: db.url,
      QUORUM_SECRET: TEST_SECRET,
      QUORUM_ADMIN_EMAIL: 'weak@example.com',
      QUORUM_ADMIN_PASSWORD: 'weak',
    };
    const config = loadConfig({
      appDir: fixtureAppPath('kitchen'),
      env,
    });
    await expect(createNode(config, { logger: pino({ level: 'silent' }), env })).rejects.toThrow(
      /QUORUM_ADMIN_PASSWORD is refused: password must be at least 8 characters/,
    );
  });
});

describe.skipIf(!postgresAvailable())(
  'admin API: two nodes starting together on one PostgreSQL database',
  () => {
    let db: TestDatabase | undefined;
    let nodes: QuorumNode[] = [];
    afterEach(async () => {
      await Promise.all(nodes.map((node) => node.stop({ drainMs: 0 })));
      nodes = [];
      await db?.drop();
      db = undefined;
    });

    for (const round of [1, 2, 3]) {
      it(`create exactly one admin from the environment (round ${round} of 3)`, async () => {
        db = await createTestDatabase('postgres');
        const env = {
          DATABASE_URL: db.url,
          QUORUM_SECRET: TEST_SECRET,
          QUORUM_ADMIN_EMAIL: 'cluster@example.com',
          QUORUM_ADMIN_PASSWORD: 'clusterpass1',
        };
        const config = loadConfig({ appDir: fixtureAppPath('kitchen'), env });
        const started = await Promise.allSettled(
          [1, 2].map(() => createNode(config, { logger: pino({ level: 'silent' }), env })),
        );
        nodes = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        expect(started.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
        const admins = await nodes[0].database.db.selectFrom('quorum_admin_users').select('email').execute();
        expect(admins).toEqual([{ email: 'cluster@example.com' }]);
        const roles = await nodes[0].database.db.selectFrom('quorum_admin_roles').select('code').execute();
        expect(roles).toHaveLength(3);
        // Both nodes accept the admin's login.
        for (const node of nodes) {
          const response = await node.app.inject({
            method: 'POST',
            url: '/admin/api/login',
            payload: { email: 'cluster@example.com', password: 'clusterpass1' },
          });
          expect(response.statusCode, response.body).toBe(200);
        }
      });
    }
  },
);
