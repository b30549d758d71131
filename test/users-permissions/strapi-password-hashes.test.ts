import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_USERS } from '../../src/accounts/tables.js';
import { FIRST_ADMIN, login as adminLogin, registerFirstAdmin } from '../admin/helpers.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { NO_LIMITS, login, register } from '../helpers/users-permissions.js';

/**
 * Accounts moved over from Strapi keep their password hashes: Strapi's users-permissions stores bcrypt
 * (`bcrypt.hash(password, 10)` in its user service, so `$2a$10$…`/`$2b$10$…`). They must log in, and the
 * first successful login replaces the hash with argon2id; a failed one leaves it as it is.
 */
describeEachDatabase('bcrypt password hashes from Strapi', (kind) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations', config: NO_LIMITS });
  });
  afterAll(() => t.close());

  const usersTable = () => t.node.core.schema().contentTypes.get('plugin::users-permissions.user')!.tableName;
  const storedHash = async (id: number, table = usersTable()) =>
    (
      await t.node.database.db
        .selectFrom(table)
        .select('password')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).password as string;
  const setHash = (id: number, hash: string, table = usersTable()) =>
    t.node.database.db.updateTable(table).set({ password: hash }).where('id', '=', id).execute();

  it.each([
    ['$2a$', (hash: string) => hash.replace(/^\$2b\$/, '$2a$')],
    ['$2b$', (hash: string) => hash],
    ['$2y$', (hash: string) => hash.replace(/^\$2b\$/, '$2y$')],
  ])('an end user with a %s hash logs in, and the hash becomes argon2id', async (prefix, variant) => {
    const name = `strapi${prefix.slice(2, 3)}`;
    const { user } = await register(t, {
      username: name,
      email: `${name}@example.com`,
      password: 'initial1',
    });
    const bcryptHash = variant(bcrypt.hashSync('from-strapi', 10));
    expect(bcryptHash.startsWith(prefix)).toBe(true);
    await setHash(user.id, bcryptHash);

    // Strapi's answer to a wrong password (users-permissions auth controller): 400, hash untouched.
    const wrong = await login(t, name, 'not-it');
    expect(wrong.status).toBe(400);
    expect(wrong.json().error).toMatchObject({
      name: 'ValidationError',
      message: 'Invalid identifier or password',
    });
    expect(await storedHash(user.id)).toBe(bcryptHash);

    const first = await login(t, `${name}@example.com`, 'from-strapi');
    expect(first.status, first.body).toBe(200);
    expect(first.json().user).toMatchObject({ id: user.id, username: name });
    const me = await t.request({ url: '/api/users/me', auth: `Bearer ${first.json().jwt}` });
    expect(me.status).toBe(200);
    const upgraded = await storedHash(user.id);
    expect(upgraded.startsWith('$argon2id$')).toBe(true);

    expect((await login(t, name, 'from-strapi')).status).toBe(200);
    expect(await storedHash(user.id)).toBe(upgraded);
    expect((await login(t, name, 'not-it')).status).toBe(400);
    expect(await storedHash(user.id)).toBe(upgraded);
  });

  it('a blocked user with a bcrypt hash is refused and keeps the hash', async () => {
    const { user } = await register(t, {
      username: 'blockedb',
      email: 'blockedb@example.com',
      password: 'initial1',
    });
    const bcryptHash = bcrypt.hashSync('from-strapi', 10);
    await setHash(user.id, bcryptHash);
    await t.node.database.db
      .updateTable(usersTable())
      .set({ blocked: t.node.database.dialect.toDb('boolean', true) })
      .where('id', '=', user.id)
      .execute();
    expect((await login(t, 'blockedb', 'from-strapi')).status).toBe(400);
    expect(await storedHash(user.id)).toBe(bcryptHash);
  });

  it('an admin account with a bcrypt hash logs in, and the hash becomes argon2id', async () => {
    const admin = await registerFirstAdmin(t);
    const bcryptHash = bcrypt.hashSync('admin-from-strapi', 10);
    await setHash(admin.user.id, bcryptHash, ADMIN_USERS);
    const wrong = await t.request({
      method: 'POST',
      url: '/admin/api/login',
      body: { email: FIRST_ADMIN.email, password: FIRST_ADMIN.password },
      auth: 'none',
    });
    expect(wrong.status).toBe(400);
    expect(await storedHash(admin.user.id, ADMIN_USERS)).toBe(bcryptHash);
    await adminLogin(t, FIRST_ADMIN.email, 'admin-from-strapi');
    const upgraded = await storedHash(admin.user.id, ADMIN_USERS);
    expect(upgraded.startsWith('$argon2id$')).toBe(true);
    await adminLogin(t, FIRST_ADMIN.email, 'admin-from-strapi');
    expect(await storedHash(admin.user.id, ADMIN_USERS)).toBe(upgraded);
  });
});
