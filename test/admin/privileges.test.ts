import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminAbility } from '../../src/accounts/ability.js';
import { holds } from '../../src/accounts/privileges.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode, type TestResponse } from '../helpers/node.js';
import { expectError, login, registerFirstAdmin, roleId, type AdminSession } from './helpers.js';

/**
 * Admin privilege escalation (issue 16): nobody hands out a right they do not hold — to a role, to an
 * admin (roles), to an API token — only super admins grant the Super Admin role or touch a super admin,
 * and changing one's own roles needs `admin::roles.update`. These are Quorum's rules: Strapi's community
 * edition lets anyone holding `admin::users.update` give any role to anyone, itself included
 * (packages/core/admin/server/src/services/user.ts only keeps one super admin).
 */

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Grant = { action: string; subject?: string | null; conditions?: string[] };

const ARTICLE = 'api::article.article';
const READ = 'plugin::content-manager.explorer.read';
const CREATE = 'plugin::content-manager.explorer.create';

function expectForbidden(response: TestResponse, message: RegExp): void {
  expectError(response, 403, 'ForbiddenError');
  expect(response.json().error.message).toMatch(message);
}

describeEachDatabase('admin privilege escalation', (kind) => {
  let t: TestNode;
  let root: AdminSession;
  let superRole: number;
  let editorRole: number;
  let authorRole: number;
  let password = 0;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'kitchen' });
    root = await registerFirstAdmin(t);
    superRole = await roleId(t, root, 'strapi-super-admin');
    editorRole = await roleId(t, root, 'strapi-editor');
    authorRole = await roleId(t, root, 'strapi-author');
  });
  afterAll(() => t.close());

  const call = (method: Method, url: string, auth: string, body?: unknown) =>
    t.request({ method, url: `/admin/api${url}`, auth, body });

  /** A custom role with these grants, made by the super admin. */
  async function role(name: string, grants: Grant[]): Promise<number> {
    const created = await call('POST', '/roles', root.auth, { name });
    expect(created.status, created.body).toBe(201);
    const id = created.json().data.id;
    const set = await call('PUT', `/roles/${id}/permissions`, root.auth, { permissions: grants });
    expect(set.status, set.body).toBe(200);
    return id;
  }

  /** An admin with these roles, made by the super admin, logged in. */
  async function admin(email: string, roles: number[]): Promise<AdminSession> {
    const secret = `password${++password}`;
    const created = await call('POST', '/users', root.auth, { email, password: secret, roles });
    expect(created.status, created.body).toBe(201);
    return login(t, email, secret);
  }

  async function rolesOf(userId: number): Promise<number[]> {
    const user = await call('GET', `/users/${userId}`, root.auth);
    return user.json().data.roles.map((r: { id: number }) => r.id);
  }

  it("an admin holding only admin::users.read/.update can neither make itself super admin nor set the super admin's password", async () => {
    const managerRole = await role('User editor', [
      { action: 'admin::users.read' },
      { action: 'admin::users.update' },
    ]);
    const manager = await admin('manager@example.com', [managerRole]);

    expectForbidden(
      await call('PUT', `/users/${manager.user.id}`, manager.auth, { roles: [managerRole, superRole] }),
      /super admin/i,
    );
    expect(await rolesOf(manager.user.id)).toEqual([managerRole]);

    expectForbidden(
      await call('PUT', `/users/${root.user.id}`, manager.auth, { password: 'hijacked123' }),
      /Only super admins may change or delete a super admin/,
    );
    expectForbidden(
      await call('PUT', `/users/${root.user.id}`, manager.auth, { email: 'attacker@example.com' }),
      /super admin/,
    );
    // The super admin's credentials are untouched.
    await login(t, root.user.email, 'rootpass123');
  });

  it('only super admins grant the Super Admin role, and change, block or delete a super admin', async () => {
    const peopleRole = await role('People manager', [
      { action: 'admin::users.read' },
      { action: 'admin::users.create' },
      { action: 'admin::users.update' },
      { action: 'admin::users.delete' },
    ]);
    const people = await admin('people@example.com', [peopleRole]);
    // A second super admin, so that "the last super admin" is not what refuses the changes below.
    const second = await admin('second-super@example.com', [superRole]);
    const plain = await admin('plain@example.com', [authorRole]);

    expectForbidden(
      await call('POST', '/users', people.auth, {
        email: 'new-super@example.com',
        password: 'newsuper123',
        roles: [superRole],
      }),
      /Only super admins may grant the Super Admin role/,
    );
    expectForbidden(
      await call('PUT', `/users/${plain.user.id}`, people.auth, { roles: [authorRole, superRole] }),
      /Only super admins may grant the Super Admin role/,
    );
    for (const body of [{ blocked: true }, { isActive: false }, { firstname: 'x' }, { roles: [authorRole] }])
      expectForbidden(
        await call('PUT', `/users/${second.user.id}`, people.auth, body),
        /Only super admins may change or delete a super admin/,
      );
    expectForbidden(
      await call('DELETE', `/users/${second.user.id}`, people.auth),
      /Only super admins may change or delete a super admin/,
    );
    expect((await call('GET', `/users/${second.user.id}`, root.auth)).json().data).toMatchObject({
      blocked: false,
      isActive: true,
      firstname: null,
    });

    // The last active super admin stays, even for a super admin.
    const demote = await call('PUT', `/users/${second.user.id}`, root.auth, { roles: [authorRole] });
    expect(demote.status, demote.body).toBe(200);
    expectError(await call('PUT', `/users/${root.user.id}`, root.auth, { blocked: true }), 400);
    expectError(await call('DELETE', `/users/${root.user.id}`, root.auth), 400);
    // Admins who are not super admins are theirs to manage.
    const block = await call('PUT', `/users/${plain.user.id}`, people.auth, { blocked: true });
    expect(block.status, block.body).toBe(200);
    expect((await call('DELETE', `/users/${plain.user.id}`, people.auth)).status).toBe(200);
  });

  it('nobody grants a role with permissions they do not hold, nor takes over an admin with more rights', async () => {
    const hrRole = await role('HR', [
      { action: 'admin::users.read' },
      { action: 'admin::users.create' },
      { action: 'admin::users.update' },
    ]);
    const readersRole = await role('User readers', [{ action: 'admin::users.read' }]);
    const hr = await admin('hr@example.com', [hrRole]);
    const editor = await admin('an-editor@example.com', [editorRole]);
    const author = await admin('an-author@example.com', [authorRole]);
    const reader = await admin('a-reader@example.com', [readersRole]);

    const newAdmin = (email: string, roles: number[]) =>
      call('POST', '/users', hr.auth, { email, password: 'newadmin123', roles });
    expectForbidden(
      await newAdmin('would-edit@example.com', [editorRole]),
      /You may not grant the role "Editor": you do not hold plugin::content-manager\.explorer\.\w+/,
    );
    expectForbidden(
      await call('PUT', `/users/${author.user.id}`, hr.auth, { roles: [authorRole, editorRole] }),
      /You may not grant the role "Editor"/,
    );
    expect(await rolesOf(author.user.id)).toEqual([authorRole]);
    // The error names what is missing, for the UI.
    const refused = await newAdmin('would-author@example.com', [authorRole]);
    expectError(refused, 403, 'ForbiddenError');
    expect(refused.json().error.details.missing).toContainEqual({
      action: READ,
      subject: null,
      conditions: ['admin::is-creator'],
    });

    // Roles whose permissions HR holds are HR's to grant; taking away roles needs nothing more.
    expect((await newAdmin('new-reader@example.com', [readersRole])).status).toBe(201);
    const swap = await call('PUT', `/users/${reader.user.id}`, hr.auth, { roles: [hrRole] });
    expect(swap.status, swap.body).toBe(200);
    const removed = await call('PUT', `/users/${editor.user.id}`, hr.auth, { roles: [readersRole] });
    expect(removed.status, removed.body).toBe(200);

    // Setting a password is logging in as that admin: only over admins whose every right one holds.
    expectForbidden(
      await call('PUT', `/users/${author.user.id}`, hr.auth, { password: 'takeover123' }),
      /You may not change this admin's email or password/,
    );
    expectForbidden(
      await call('PUT', `/users/${author.user.id}`, hr.auth, { email: 'hr-owned@example.com' }),
      /email or password/,
    );
    const reset = await call('PUT', `/users/${reader.user.id}`, hr.auth, { password: 'resetpass123' });
    expect(reset.status, reset.body).toBe(200);
  });

  it("changing one's own roles needs admin::roles.update, and one's own credentials go through /users/me", async () => {
    const readersRole = await role('Own readers', [{ action: 'admin::users.read' }]);
    const selfRole = await role('Self editor', [
      { action: 'admin::users.read' },
      { action: 'admin::users.update' },
    ]);
    const self = await admin('self@example.com', [selfRole]);
    for (const roles of [[selfRole, readersRole], [readersRole]])
      expectForbidden(
        await call('PUT', `/users/${self.user.id}`, self.auth, { roles }),
        /Changing your own roles needs admin::roles\.update/,
      );
    expect(await rolesOf(self.user.id)).toEqual([selfRole]);
    // Naming the roles one has already is no change.
    expect((await call('PUT', `/users/${self.user.id}`, self.auth, { roles: [selfRole] })).status).toBe(200);
    for (const body of [{ password: 'selfchange123' }, { email: 'self2@example.com' }])
      expectForbidden(
        await call('PUT', `/users/${self.user.id}`, self.auth, body),
        /PUT \/admin\/api\/users\/me/,
      );
    // Super admins too: an access token alone does not change a password.
    expectForbidden(
      await call('PUT', `/users/${root.user.id}`, root.auth, { password: 'rootchange123' }),
      /users\/me/,
    );

    const managerRole = await role('Role and user manager', [
      { action: 'admin::users.read' },
      { action: 'admin::users.update' },
      { action: 'admin::roles.read' },
      { action: 'admin::roles.update' },
    ]);
    const manager = await admin('role-manager@example.com', [managerRole]);
    const added = await call('PUT', `/users/${manager.user.id}`, manager.auth, {
      roles: [managerRole, readersRole],
    });
    expect(added.status, added.body).toBe(200);
    expectForbidden(
      await call('PUT', `/users/${manager.user.id}`, manager.auth, { roles: [managerRole, editorRole] }),
      /You may not grant the role "Editor"/,
    );
  });

  it('a role editor adds to roles only permissions they hold', async () => {
    const roleEditorRole = await role('Role editor', [
      { action: 'admin::roles.read' },
      { action: 'admin::roles.update' },
      { action: READ, subject: ARTICLE, conditions: ['admin::is-creator'] },
    ]);
    const roleEditor = await admin('role-editor@example.com', [roleEditorRole]);
    const own = await call('GET', `/roles/${roleEditorRole}/permissions`, roleEditor.auth);
    const current: Grant[] = own.json().data.map(({ action, subject, conditions }: Grant) => ({
      action,
      subject,
      conditions,
    }));
    const put = (id: number, permissions: Grant[]) =>
      call('PUT', `/roles/${id}/permissions`, roleEditor.auth, { permissions });

    for (const extra of [
      { action: 'admin::users.delete' },
      { action: 'admin::roles.delete' },
      // Wider than held: without the condition, or on every type.
      { action: READ, subject: ARTICLE },
      { action: READ, subject: null, conditions: ['admin::is-creator'] },
    ])
      expectForbidden(await put(roleEditorRole, [...current, extra]), /You may not grant these permissions/);
    const unchanged = await call('GET', `/roles/${roleEditorRole}/permissions`, root.auth);
    expect(unchanged.json().data).toHaveLength(3);

    // What it holds, it may give; what a role already has may stay; removing is always allowed.
    const other = await role('Other', [{ action: 'admin::users.delete' }]);
    const kept = await put(other, [
      { action: 'admin::users.delete' },
      { action: 'admin::roles.read' },
      { action: READ, subject: ARTICLE, conditions: ['admin::is-creator'] },
    ]);
    expect(kept.status, kept.body).toBe(200);
    expect((await put(other, [])).status).toBe(200);
    expectForbidden(await put(other, [{ action: 'admin::users.delete' }]), /admin::users\.delete/);
  });

  it('nobody creates, widens or regenerates an API token with rights they do not hold', async () => {
    const makerRole = await role('Token maker', [
      { action: 'admin::api-tokens.read' },
      { action: 'admin::api-tokens.create' },
      { action: 'admin::api-tokens.update' },
      { action: 'admin::api-tokens.regenerate' },
      { action: READ, subject: ARTICLE },
      { action: CREATE, subject: 'api::tag.tag' },
      { action: READ, subject: 'api::tag.tag', conditions: ['admin::is-creator'] },
    ]);
    const maker = await admin('maker@example.com', [makerRole]);
    const token = (body: object) => call('POST', '/api-tokens', maker.auth, body);

    for (const body of [
      { name: 'everything', type: 'full-access' },
      { name: 'reads-all', type: 'read-only' },
      // Create on a draft-and-publish type publishes, so it needs publish too.
      { name: 'writes', type: 'custom', permissions: ['api::article.article.create'] },
      // Its tag reads are limited to its own documents; a token's are not.
      { name: 'tags', type: 'custom', permissions: ['api::tag.tag.find'] },
      { name: 'end-users', type: 'custom', permissions: ['plugin::users-permissions.user.find'] },
    ])
      expectForbidden(await token(body), /You may not create an API token with rights you do not hold/);
    const listed = await call('GET', '/api-tokens', root.auth);
    expect(listed.json().data.map((x: { name: string }) => x.name)).toEqual(['test-full', 'test-read']);

    const allowed = await token({
      name: 'article-reader',
      type: 'custom',
      permissions: ['api::article.article.find', 'api::article.article.findOne', 'api::tag.tag.create'],
    });
    expect(allowed.status, allowed.body).toBe(201);
    const id = allowed.json().data.id;
    expectForbidden(
      await call('PUT', `/api-tokens/${id}`, maker.auth, { type: 'full-access' }),
      /You may not update an API token/,
    );
    expectForbidden(
      await call('PUT', `/api-tokens/${id}`, maker.auth, {
        permissions: ['api::article.article.find', 'api::article.article.delete'],
      }),
      /You may not update an API token/,
    );
    const renamed = await call('PUT', `/api-tokens/${id}`, maker.auth, { name: 'article-reader-2' });
    expect(renamed.status, renamed.body).toBe(200);
    expect((await call('POST', `/api-tokens/${id}/regenerate`, maker.auth)).status).toBe(200);

    // Regenerating answers the new secret: a full-access token's is not for a token maker.
    const full = await call('GET', '/api-tokens', maker.auth);
    const fullId = full.json().data.find((x: { name: string }) => x.name === 'test-full').id;
    const regenerated = await call('POST', `/api-tokens/${fullId}/regenerate`, maker.auth);
    expectForbidden(regenerated, /You may not regenerate an API token/);
    expect(regenerated.body).not.toMatch(/accessKey/);
    // The test's own full-access token still works.
    expect((await t.request({ url: '/api/articles' })).status).toBe(200);
  });
});

describe('what an admin holds', () => {
  const grant = (action: string, subject: string | null = null, conditions: string[] = []) => ({
    action,
    subject,
    conditions,
  });
  it('covers the same or narrower permissions only', () => {
    const author = new AdminAbility(false, [grant(READ, null, ['admin::is-creator'])]);
    const editor = new AdminAbility(false, [grant(READ)]);
    const articles = new AdminAbility(false, [grant(READ, ARTICLE)]);
    expect(holds(author, grant(READ, null, ['admin::is-creator']))).toBe(true);
    expect(holds(author, grant(READ, ARTICLE, ['admin::is-creator']))).toBe(true);
    expect(holds(author, grant(READ))).toBe(false);
    expect(holds(editor, grant(READ, ARTICLE, ['admin::is-creator']))).toBe(true);
    // A null subject covers the app's types, not the built-in end users.
    expect(holds(editor, grant(READ, 'plugin::users-permissions.user'))).toBe(false);
    expect(holds(articles, grant(READ, ARTICLE))).toBe(true);
    expect(holds(articles, grant(READ))).toBe(false);
    expect(holds(articles, grant('admin::users.read'))).toBe(false);
    expect(holds(new AdminAbility(true, []), grant('admin::users.delete'))).toBe(true);
  });
});
