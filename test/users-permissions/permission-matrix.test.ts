import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import type { TestNode, TestResponse } from '../helpers/node.js';
import {
  assignRole,
  bearer,
  expiredJwt,
  flipPayload,
  flipSignature,
  foreignJwt,
  register,
  revokeAllGrants,
  startNodeWithPermissions,
  tamperPayload,
  unsignedJwt,
  updateUser,
  type PermissionsFile,
  type SignedIn,
} from '../helpers/users-permissions.js';

/**
 * Every content route × every kind of caller, with the exact status and body Strapi answers
 * (reference §6.3, §6.5, §2.2): no header → the Public role; a user JWT → the user's role; API tokens
 * bypass roles (full-access: everything, read-only: find/findOne, custom: what it lists); a header that
 * authenticates as nothing → 401; a JWT of a deleted or blocked user → 401 "Invalid credentials"
 * (Strapi's users-permissions strategy returns `{ error: 'Invalid credentials' }` for both); an
 * authenticated caller without the grant → 403. Each cell works on a document of its own and checks,
 * with the full-access token, that an allowed write happened and a refused one changed nothing.
 */

const ARTICLE = 'api::article.article';
const NOTE = 'api::note.note';
const HOMEPAGE = 'api::homepage.homepage';
const BANNER = 'api::banner.banner';
const CRUD = ['find', 'findOne', 'create', 'update', 'delete'] as const;
const SINGLE = ['find', 'update', 'delete'] as const;

const PERMISSIONS: PermissionsFile = {
  roles: {
    // Public may do everything on articles and the homepage, nothing on notes and the banner…
    public: {
      permissions: [...CRUD.map((a) => `${ARTICLE}.${a}`), ...SINGLE.map((a) => `${HOMEPAGE}.${a}`)],
    },
    // …and Authenticated the opposite (a user does not inherit Public's grants).
    authenticated: {
      permissions: [...CRUD.map((a) => `${NOTE}.${a}`), ...SINGLE.map((a) => `${BANNER}.${a}`)],
    },
    editor: {
      name: 'Editor',
      permissions: [`${ARTICLE}.find`, `${ARTICLE}.findOne`, `${ARTICLE}.update`, `${HOMEPAGE}.find`],
    },
  },
};

const CUSTOM_TOKEN_ACTIONS = [
  `${ARTICLE}.find`,
  `${ARTICLE}.create`,
  `${NOTE}.findOne`,
  `${NOTE}.update`,
  `${NOTE}.delete`,
  `${HOMEPAGE}.find`,
  `${BANNER}.update`,
  `${BANNER}.delete`,
];

/**
 * Y: the route's success status (200, 201 for create, 204 for delete) · F: 403 Forbidden ·
 * U: 401 "Missing or invalid credentials" · E: 401 "Token expired" · I: 401 "Invalid credentials".
 */
const MATRIX = `
                      articles              notes                 homepage       banner
                      find one  new upd del find one  new upd del find upd del   find upd del
public                Y    Y    Y   Y   Y   F    F    F   F   F   Y    Y   Y     F    F   F
authenticated-user    F    F    F   F   F   Y    Y    Y   Y   Y   F    F   F     Y    Y   Y
editor-role-user      Y    Y    F   Y   F   F    F    F   F   F   Y    F   F     F    F   F
read-only-token       Y    Y    F   F   F   Y    Y    F   F   F   Y    F   F     Y    F   F
full-access-token     Y    Y    Y   Y   Y   Y    Y    Y   Y   Y   Y    Y   Y     Y    Y   Y
custom-token          Y    F    Y   F   F   F    Y    F   Y   Y   Y    F   F     F    Y   Y
expired-token         E    E    E   E   E   E    E    E   E   E   E    E   E     E    E   E
unknown-token         U    U    U   U   U   U    U    U   U   U   U    U   U     U    U   U
expired-jwt           U    U    U   U   U   U    U    U   U   U   U    U   U     U    U   U
jwt-tampered-payload  U    U    U   U   U   U    U    U   U   U   U    U   U     U    U   U
jwt-one-byte-payload  U    U    U   U   U   U    U    U   U   U   U    U   U     U    U   U
jwt-tampered-sig      U    U    U   U   U   U    U    U   U   U   U    U   U     U    U   U
jwt-other-secret      U    U    U   U   U   U    U    U   U   U   U    U   U     U    U   U
jwt-alg-none          U    U    U   U   U   U    U    U   U   U   U    U   U     U    U   U
jwt-deleted-user      I    I    I   I   I   I    I    I   I   I   I    I   I     I    I   I
jwt-blocked-user      I    I    I   I   I   I    I    I   I   I   I    I   I     I    I   I
`;

type Outcome = 'Y' | 'F' | 'U' | 'E' | 'I';

function parseMatrix(text: string): Map<string, Outcome[]> {
  const rows = new Map<string, Outcome[]>();
  for (const line of text.split('\n').slice(3)) {
    const [name, ...cells] = line.trim().split(/\s+/);
    if (!name) continue;
    expect(
      cells.every((c) => 'YFUEI'.includes(c) && c.length === 1),
      line,
    ).toBe(true);
    rows.set(name, cells as Outcome[]);
  }
  return rows;
}

const errorBody = (status: number, name: string, message: string) => ({
  status,
  body: { data: null, error: { status, name, message, details: {} } },
});
const ERRORS: Record<Exclude<Outcome, 'Y'>, ReturnType<typeof errorBody>> = {
  F: errorBody(403, 'ForbiddenError', 'Forbidden'),
  U: errorBody(401, 'UnauthorizedError', 'Missing or invalid credentials'),
  E: errorBody(401, 'UnauthorizedError', 'Token expired'),
  I: errorBody(401, 'UnauthorizedError', 'Invalid credentials'),
};

interface Route {
  readonly label: string;
  readonly success: number;
  /** Sends the route's request as `auth` on a fresh target and checks the state afterwards. */
  run(auth: string, allowed: boolean): Promise<TestResponse>;
}

describeEachDatabase('permission matrix: every content route × every kind of caller', (kind) => {
  let t: TestNode;
  let seq = 0;
  const principals = new Map<string, string>();
  const unique = (prefix: string) => `${prefix}-${++seq}`;

  beforeAll(async () => {
    t = await startNodeWithPermissions({ kind, permissions: PERMISSIONS });
    const member = await register(t, {
      username: 'member',
      email: 'member@example.com',
      password: 'secret-1',
    });
    const editor = await register(t, {
      username: 'editor',
      email: 'editor@example.com',
      password: 'secret-2',
    });
    await assignRole(t, editor.user.id, 'editor');
    const blocked = await register(t, {
      username: 'blocked',
      email: 'blocked@example.com',
      password: 'secret-3',
    });
    await updateUser(t, blocked.user.id, { blocked: true });
    const deleted: SignedIn = await register(t, {
      username: 'deleted',
      email: 'deleted@example.com',
      password: 'secret-4',
    });
    const removed = await t.request({ method: 'DELETE', url: `/api/users/${deleted.user.id}` });
    expect(removed.status, removed.body).toBe(200);

    const custom = await t.node.tokens.create({
      name: 'custom',
      type: 'custom',
      permissions: CUSTOM_TOKEN_ACTIONS,
    });
    const expired = await t.node.tokens.create({
      name: 'expired',
      type: 'full-access',
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });

    principals.set('public', 'none');
    principals.set('authenticated-user', member.auth);
    principals.set('editor-role-user', editor.auth);
    principals.set('read-only-token', t.readOnly);
    principals.set('full-access-token', t.fullAccess);
    principals.set('custom-token', bearer(custom.token));
    principals.set('expired-token', bearer(expired.token));
    principals.set('unknown-token', bearer('ab'.repeat(48)));
    principals.set('expired-jwt', bearer(await expiredJwt(t, member.user.id)));
    // A member claiming to be the editor: the payload changed, the signature kept.
    principals.set('jwt-tampered-payload', bearer(tamperPayload(member.jwt, { id: editor.user.id })));
    principals.set('jwt-one-byte-payload', bearer(flipPayload(member.jwt)));
    principals.set('jwt-tampered-sig', bearer(flipSignature(member.jwt)));
    principals.set('jwt-other-secret', bearer(await foreignJwt(member.jwt, member.user.id)));
    principals.set('jwt-alg-none', bearer(unsignedJwt(member.jwt, member.user.id)));
    principals.set('jwt-deleted-user', deleted.auth);
    principals.set('jwt-blocked-user', blocked.auth);
  });
  afterAll(() => t?.close());

  // -- the routes ------------------------------------------------------------------------------------

  async function createDocument(plural: string): Promise<string> {
    const res = await t.request({
      method: 'POST',
      url: `/api/${plural}`,
      body: { data: { title: unique('seed') } },
    });
    expect(res.status, res.body).toBe(201);
    return res.json().data.documentId;
  }

  /** The document's title as the full-access token sees it, or null when it does not exist. */
  async function titleOf(plural: string, documentId: string): Promise<string | null> {
    const res = await t.request({ url: `/api/${plural}/${documentId}` });
    if (res.status === 404) return null;
    expect(res.status, res.body).toBe(200);
    return res.json().data.title;
  }

  function collectionRoutes(plural: string): Route[] {
    return [
      {
        label: `GET /api/${plural}`,
        success: 200,
        async run(auth, allowed) {
          const id = await createDocument(plural);
          const res = await t.request({ url: `/api/${plural}?filters[documentId][$eq]=${id}`, auth });
          if (allowed && res.status === 200)
            expect(res.json().data.map((d: { documentId: string }) => d.documentId)).toEqual([id]);
          return res;
        },
      },
      {
        label: `GET /api/${plural}/:id`,
        success: 200,
        async run(auth, allowed) {
          const id = await createDocument(plural);
          const res = await t.request({ url: `/api/${plural}/${id}`, auth });
          if (allowed && res.status === 200) expect(res.json().data.documentId).toBe(id);
          return res;
        },
      },
      {
        label: `POST /api/${plural}`,
        success: 201,
        async run(auth, allowed) {
          const title = unique('created');
          const res = await t.request({
            method: 'POST',
            url: `/api/${plural}`,
            body: { data: { title } },
            auth,
          });
          const check = await t.request({ url: `/api/${plural}?filters[title][$eq]=${title}` });
          expect(check.json().meta.pagination.total, `documents titled ${title}`).toBe(allowed ? 1 : 0);
          return res;
        },
      },
      {
        label: `PUT /api/${plural}/:id`,
        success: 200,
        async run(auth, allowed) {
          const id = await createDocument(plural);
          const before = await titleOf(plural, id);
          const title = unique('updated');
          const res = await t.request({
            method: 'PUT',
            url: `/api/${plural}/${id}`,
            body: { data: { title } },
            auth,
          });
          expect(await titleOf(plural, id)).toBe(allowed ? title : before);
          return res;
        },
      },
      {
        label: `DELETE /api/${plural}/:id`,
        success: 204,
        async run(auth, allowed) {
          const id = await createDocument(plural);
          const res = await t.request({ method: 'DELETE', url: `/api/${plural}/${id}`, auth });
          if (allowed) expect(await titleOf(plural, id)).toBeNull();
          else expect(await titleOf(plural, id)).not.toBeNull();
          if (allowed) expect(res.body).toBe('');
          return res;
        },
      },
    ];
  }

  function singleRoutes(singular: string, field: string): Route[] {
    /** Makes sure the single type has a document with a fresh value; returns that value. */
    const reset = async () => {
      const value = unique(singular);
      const res = await t.request({
        method: 'PUT',
        url: `/api/${singular}`,
        body: { data: { [field]: value } },
      });
      expect(res.status, res.body).toBe(200);
      return value;
    };
    const current = async () => {
      const res = await t.request({ url: `/api/${singular}` });
      return res.status === 404 ? null : res.json().data[field];
    };
    return [
      {
        label: `GET /api/${singular}`,
        success: 200,
        async run(auth, allowed) {
          const value = await reset();
          const res = await t.request({ url: `/api/${singular}`, auth });
          if (allowed && res.status === 200) expect(res.json().data[field]).toBe(value);
          return res;
        },
      },
      {
        label: `PUT /api/${singular}`,
        success: 200,
        async run(auth, allowed) {
          const before = await reset();
          const value = unique(`${singular}-put`);
          const res = await t.request({
            method: 'PUT',
            url: `/api/${singular}`,
            body: { data: { [field]: value } },
            auth,
          });
          expect(await current()).toBe(allowed ? value : before);
          return res;
        },
      },
      {
        label: `DELETE /api/${singular}`,
        success: 204,
        async run(auth, allowed) {
          const before = await reset();
          const res = await t.request({ method: 'DELETE', url: `/api/${singular}`, auth });
          expect(await current()).toBe(allowed ? null : before);
          return res;
        },
      },
    ];
  }

  const routes = () => [
    ...collectionRoutes('articles'),
    ...collectionRoutes('notes'),
    ...singleRoutes('homepage', 'headline'),
    ...singleRoutes('banner', 'text'),
  ];

  /** Runs one cell; returns how it differs from the expected outcome, if it does. */
  async function runCell(route: Route, auth: string, outcome: Outcome): Promise<string | undefined> {
    const res = await route.run(auth, outcome === 'Y');
    const got = `${res.status} ${res.body.slice(0, 200)}`;
    if (outcome === 'Y') return res.status === route.success ? undefined : `${route.label}: got ${got}`;
    const expected = ERRORS[outcome];
    if (JSON.stringify({ status: res.status, body: res.json() }) === JSON.stringify(expected))
      return undefined;
    return `${route.label}: expected ${expected.status} "${expected.body.error.message}", got ${got}`;
  }

  /** Runs a row of the matrix and asserts every cell at once (the failure lists each cell that differs). */
  async function expectRow(who: string, auth: string, outcomes: readonly Outcome[]): Promise<void> {
    const all = routes();
    const differences: string[] = [];
    for (let i = 0; i < all.length; i++) {
      const difference = await runCell(all[i], auth, outcomes[i]);
      if (difference) differences.push(difference);
    }
    expect(differences, `${who}: cells that differ`).toEqual([]);
  }

  const matrix = parseMatrix(MATRIX);

  it('the matrix covers every route and every caller', () => {
    expect(routes().length).toBe(16);
    for (const [name, cells] of matrix) expect(cells.length, name).toBe(16);
    expect(matrix.size).toBe(16);
  });

  for (const [who, outcomes] of matrix) {
    it(`${who}: ${outcomes.join('')}`, async () => {
      const auth = principals.get(who);
      expect(auth, `principal ${who} is set up`).toBeDefined();
      await expectRow(who, auth!, outcomes);
    });
  }

  it('the Users & Permissions types have no content routes, whoever asks', async () => {
    for (const url of ['/api/roles', '/api/permissions', '/api/role', '/api/permission']) {
      for (const auth of ['full', 'none']) {
        const res = await t.request({ url, auth });
        expect(res.status, `${url} as ${auth}: ${res.body}`).toBe(404);
      }
    }
    const res = await t.request({
      method: 'POST',
      url: '/api/permissions',
      body: { data: { action: `${NOTE}.find` } },
    });
    expect(res.status, res.body).toBe(404);
  });

  it('a user whose role changes gets the new role’s rights', async () => {
    const switcher = await register(t, {
      username: 'switcher',
      email: 'switcher@example.com',
      password: 'secret-5',
    });
    expect((await t.request({ url: '/api/notes', auth: switcher.auth })).status).toBe(200);
    expect((await t.request({ url: '/api/articles', auth: switcher.auth })).status).toBe(403);
    await assignRole(t, switcher.user.id, 'editor');
    expect((await t.request({ url: '/api/articles', auth: switcher.auth })).status).toBe(200);
    expect((await t.request({ url: '/api/notes', auth: switcher.auth })).json()).toEqual(ERRORS.F.body);
  });

  // Last: it takes every grant away from Public.
  it('without a single grant on Public, a request without credentials is 401 on every route', async () => {
    await revokeAllGrants(t, 'public');
    await expectRow('public without any grant', 'none', Array(16).fill('U'));
    // Authenticated callers are unaffected.
    await expectRow(
      'user after Public lost its grants',
      principals.get('authenticated-user')!,
      matrix.get('authenticated-user')!,
    );
  });
});
