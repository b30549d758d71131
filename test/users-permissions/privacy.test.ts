import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectError, expectInvalidKey } from '../helpers/content-query.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import type { RequestOptions, TestNode, TestResponse } from '../helpers/node.js';
import {
  bearer,
  login,
  register,
  startNodeWithPermissions,
  tempMailDir,
  type PermissionsFile,
  type SignedIn,
} from '../helpers/users-permissions.js';
import { rmSync } from 'node:fs';

/**
 * Private and password attributes never leave the server (reference §1.4, §2.3, §6.1): not at the top
 * level, not inside populated relations (an author's private email, a user's password and one-time
 * tokens) or components, not with `fields=*` or `populate=*`, not in the answers to writes, not from the
 * Users & Permissions routes, not in error messages. Every response of this suite is checked for the
 * marker strings stored in those attributes. Filters, sorts and fields naming them are 400 `Invalid key`,
 * and `_q` never matches them. Relations whose target the caller may not `find` vanish from output —
 * with `populate=*`, explicit and nested populate, inside components — and are 400 in filters, sorts and
 * bodies (§6.4).
 */

const ARTICLE = 'api::article.article';
const PERMISSIONS: PermissionsFile = {
  roles: {
    // Public may read articles, categories and the homepage — not authors, not users.
    public: {
      permissions: [
        `${ARTICLE}.find`,
        `${ARTICLE}.findOne`,
        'api::category.category.find',
        'api::homepage.homepage.find',
      ],
    },
    // Users may also read authors and users, and write articles — not read roles.
    authenticated: {
      permissions: [
        `${ARTICLE}.find`,
        `${ARTICLE}.findOne`,
        `${ARTICLE}.create`,
        `${ARTICLE}.update`,
        'api::author.author.find',
        'api::category.category.find',
        'api::homepage.homepage.find',
        'plugin::users-permissions.user.find',
        'plugin::users-permissions.user.findOne',
      ],
    },
  },
};
/** A custom token that may write articles but read nothing they relate to. */
const WRITER_ACTIONS = [`${ARTICLE}.find`, `${ARTICLE}.findOne`, `${ARTICLE}.create`, `${ARTICLE}.update`];

// What the private attributes hold: none of these may appear in any response.
const SECRET = {
  internalNote: 'SENTINEL-internal-note',
  accessCode: 'SENTINEL-access-code',
  authorEmail: 'sentinel-author@private.example',
  metaSecret: 'SENTINEL-meta-secret',
  pin: 'SENTINEL-pin-code',
  homeNote: 'SENTINEL-home-note',
  password: 'SENTINEL-user-pass',
  secretAnswer: 'SENTINEL-answer',
  resetToken: 'SENTINEL-reset-token',
  confirmToken: 'SENTINEL-confirm-token',
};
const MARKERS = ['SENTINEL', 'sentinel', '$argon2', 'argon2id'];

const SYSTEM = ['createdAt', 'updatedAt', 'publishedAt'];
const ARTICLE_KEYS = ['id', 'documentId', 'title', 'code', 'body', 'featured', 'rank', ...SYSTEM];
const AUTHOR_KEYS = ['id', 'documentId', 'name', ...SYSTEM];
const CATEGORY_KEYS = ['id', 'documentId', 'name', ...SYSTEM];
const USER_KEYS = [
  'id',
  'documentId',
  'username',
  'email',
  'provider',
  'confirmed',
  'blocked',
  'fullName',
  ...SYSTEM,
];
const ROLE_KEYS = ['id', 'documentId', 'name', 'description', 'type', ...SYSTEM];
const HOMEPAGE_KEYS = ['id', 'documentId', 'headline', ...SYSTEM];
const SEO_KEYS = ['id', 'metaTitle'];

const keys = (value: unknown) => Object.keys(value as object).sort();
const sorted = (list: readonly string[]) => [...list].sort();

describeEachDatabase('private fields never leave the server; restricted relations vanish', (kind) => {
  let t: TestNode;
  let mailDir: string;
  let alice: SignedIn;
  let writer: string;
  let adaId: string;
  let adaNumericId: number;
  let categoryId: string;
  let articleId: string;
  let checked = 0;

  /** Every request of the suite goes through here: no response may carry a private value. */
  async function req(options: RequestOptions): Promise<TestResponse> {
    const res = await t.request(options);
    checked++;
    for (const marker of MARKERS) {
      expect(
        res.body.includes(marker),
        `${options.method ?? 'GET'} ${options.url} leaks ${marker}: ${res.body}`,
      ).toBe(false);
    }
    for (const header of Object.values(res.headers)) expect(String(header)).not.toMatch(/sentinel/i);
    return res;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
  async function ok(options: RequestOptions, status = 200): Promise<any> {
    const res = await req(options);
    expect(res.status, `${options.method ?? 'GET'} ${options.url}: ${res.body}`).toBe(status);
    return res.json();
  }

  const articleBody = (title: string, extra: Record<string, unknown> = {}) => ({
    data: {
      title,
      internalNote: SECRET.internalNote,
      accessCode: SECRET.accessCode,
      seo: { metaTitle: `${title} seo`, metaSecret: SECRET.metaSecret, pin: SECRET.pin },
      ...extra,
    },
  });

  beforeAll(async () => {
    mailDir = tempMailDir();
    t = await startNodeWithPermissions({
      kind,
      permissions: PERMISSIONS,
      config: { email: { provider: 'file', dir: mailDir } },
    });
    alice = await register(t, { username: 'alice', email: 'alice@example.com', password: SECRET.password });
    await ok({
      method: 'PUT',
      url: `/api/users/${alice.user.id}`,
      body: { fullName: 'Alice Liddell', secretAnswer: SECRET.secretAnswer },
    });
    // One-time tokens as the auth flows would leave them (stored as given, to look for them in output).
    const users = t.node.core.schema().contentTypes.get('plugin::users-permissions.user')!.tableName;
    await sql`update ${sql.table(users)} set reset_password_token = ${SECRET.resetToken}, confirmation_token = ${SECRET.confirmToken} where id = ${alice.user.id}`.execute(
      t.node.database.db,
    );
    writer = bearer(
      (await t.node.tokens.create({ name: 'writer', type: 'custom', permissions: WRITER_ACTIONS })).token,
    );

    const ada = (
      await ok(
        {
          method: 'POST',
          url: '/api/authors',
          body: { data: { name: 'Ada', email: SECRET.authorEmail, account: alice.user.id } },
        },
        201,
      )
    ).data;
    adaId = ada.documentId;
    adaNumericId = ada.id;
    categoryId = (await ok({ method: 'POST', url: '/api/categories', body: { data: { name: 'news' } } }, 201))
      .data.documentId;
    articleId = (
      await ok(
        {
          method: 'POST',
          url: '/api/articles',
          body: articleBody('Hello', {
            code: 'hello',
            owner: alice.user.id,
            author: adaId,
            category: categoryId,
            blocks: [
              { __component: 'shared.quote', text: 'quoted', by: adaId },
              {
                __component: 'shared.seo',
                metaTitle: 'block seo',
                metaSecret: SECRET.metaSecret,
                pin: SECRET.pin,
              },
            ],
          }),
        },
        201,
      )
    ).data.documentId;
    await ok({
      method: 'PUT',
      url: '/api/homepage',
      body: {
        data: {
          headline: 'Home',
          internalNote: SECRET.homeNote,
          seo: { metaTitle: 'home seo', metaSecret: SECRET.metaSecret, pin: SECRET.pin },
          spotlight: adaId,
        },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(mailDir, { recursive: true, force: true });
  });

  // -- private attributes ------------------------------------------------------------------------------

  it('the stored values are really there (the checks below look for something that exists)', async () => {
    const articles = t.node.core.schema().contentTypes.get(ARTICLE)!.tableName;
    const { rows } = await sql<{
      internal_note: string;
      access_code: string;
    }>`select internal_note, access_code from ${sql.table(articles)} where document_id = ${articleId}`.execute(
      t.node.database.db,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0].internal_note).toBe(SECRET.internalNote);
    expect(rows[0].access_code).toMatch(/^\$argon2id\$/);
  });

  it('top level: findOne, find and fields=* omit private and password attributes', async () => {
    for (const auth of ['full', 'none', alice.auth, writer]) {
      expect(keys((await ok({ url: `/api/articles/${articleId}`, auth })).data)).toEqual(
        sorted(ARTICLE_KEYS),
      );
      expect(keys((await ok({ url: `/api/articles/${articleId}?fields=*`, auth })).data)).toEqual(
        sorted(ARTICLE_KEYS),
      );
      expect(keys((await ok({ url: '/api/articles?fields[0]=*', auth })).data[0])).toEqual(
        sorted(ARTICLE_KEYS),
      );
    }
    expect(keys((await ok({ url: '/api/homepage?fields=*' })).data)).toEqual(sorted(HOMEPAGE_KEYS));
    expect(keys((await ok({ url: '/api/authors' })).data[0])).toEqual(sorted([...AUTHOR_KEYS]));
  });

  it('populate=*: populated relations, users and components carry no private attribute', async () => {
    const article = (await ok({ url: `/api/articles/${articleId}?populate=*` })).data;
    expect(keys(article)).toEqual(sorted([...ARTICLE_KEYS, 'owner', 'author', 'category', 'seo', 'blocks']));
    expect(keys(article.owner)).toEqual(sorted(USER_KEYS));
    expect(article.owner.fullName).toBe('Alice Liddell');
    expect(keys(article.author)).toEqual(sorted(AUTHOR_KEYS));
    expect(keys(article.category)).toEqual(sorted(CATEGORY_KEYS));
    expect(keys(article.seo)).toEqual(SEO_KEYS);
    expect(article.blocks.map(keys)).toEqual([
      ['__component', 'id', 'text'],
      ['__component', 'id', 'metaTitle'],
    ]);
    const home = (await ok({ url: '/api/homepage?populate=*' })).data;
    expect(keys(home)).toEqual(sorted([...HOMEPAGE_KEYS, 'seo', 'spotlight']));
    expect(keys(home.seo)).toEqual(SEO_KEYS);
    expect(keys(home.spotlight)).toEqual(sorted(AUTHOR_KEYS));
  });

  it('deep and explicit populate: users inside authors, authors inside components, roles inside users', async () => {
    const url =
      `/api/articles/${articleId}?populate[author][populate]=*&populate[owner][populate]=role` +
      '&populate[blocks][on][shared.quote][populate]=*&populate[blocks][on][shared.seo]=true';
    const article = (await ok({ url })).data;
    expect(keys(article.author)).toEqual(sorted([...AUTHOR_KEYS, 'articles', 'account']));
    expect(keys(article.author.account)).toEqual(sorted(USER_KEYS));
    expect(article.author.articles.map(keys)).toEqual([sorted(ARTICLE_KEYS)]);
    expect(keys(article.owner)).toEqual(sorted([...USER_KEYS, 'role']));
    expect(keys(article.owner.role)).toEqual(sorted(ROLE_KEYS));
    expect(keys(article.blocks[0])).toEqual(['__component', 'by', 'id', 'text']);
    expect(keys(article.blocks[0].by)).toEqual(sorted(AUTHOR_KEYS));
    expect(keys(article.blocks[1])).toEqual(['__component', 'id', 'metaTitle']);
    const list = (
      await ok({ url: '/api/authors?populate[account][fields][0]=username&populate[articles]=true' })
    ).data;
    expect(keys(list[0].account)).toEqual(['documentId', 'id', 'username']);
  });

  it('answers to writes (create, update, single-type upsert) carry no private attribute', async () => {
    const created = (
      await ok(
        {
          method: 'POST',
          url: '/api/articles?populate=*',
          body: articleBody('Written', { owner: alice.user.id }),
        },
        201,
      )
    ).data;
    expect(keys(created)).toEqual(sorted([...ARTICLE_KEYS, 'owner', 'author', 'category', 'seo', 'blocks']));
    expect(keys(created.owner)).toEqual(sorted(USER_KEYS));
    expect(keys(created.seo)).toEqual(SEO_KEYS);
    const updated = (
      await ok({
        method: 'PUT',
        url: `/api/articles/${created.documentId}?populate[seo]=true&populate[owner]=true`,
        body: articleBody('Rewritten'),
      })
    ).data;
    expect(keys(updated)).toEqual(sorted([...ARTICLE_KEYS, 'owner', 'seo']));
    const byUser = (
      await ok(
        { method: 'POST', url: '/api/articles?populate=*', body: articleBody('By a user'), auth: alice.auth },
        201,
      )
    ).data;
    expect(keys(byUser)).toEqual(sorted([...ARTICLE_KEYS, 'owner', 'author', 'category', 'seo', 'blocks']));
    const home = (
      await ok({
        method: 'PUT',
        url: '/api/homepage?populate=*',
        body: {
          data: { headline: 'Home', internalNote: SECRET.homeNote, seo: { metaTitle: 'x', pin: SECRET.pin } },
        },
      })
    ).data;
    expect(keys(home)).toEqual(sorted([...HOMEPAGE_KEYS, 'seo', 'spotlight']));
  });

  it('Users & Permissions routes return users without password, tokens or private extension fields', async () => {
    const user = USER_KEYS;
    expect(keys(alice.user)).toEqual(sorted(user));
    const signedIn = await login(t, 'alice@example.com', SECRET.password);
    expect(signedIn.status, signedIn.body).toBe(200);
    expect(keys(signedIn.json().user)).toEqual(sorted(user));
    expect(keys(await ok({ url: '/api/users/me', auth: alice.auth }))).toEqual(sorted(user));
    expect(keys(await ok({ url: '/api/users/me?fields=*', auth: alice.auth }))).toEqual(sorted(user));
    for (const url of ['/api/users', '/api/users?fields=*', `/api/users?filters[id]=${alice.user.id}`]) {
      const list = await ok({ url });
      expect(list.length, url).toBeGreaterThan(0);
      for (const entry of list) expect(keys(entry), url).toEqual(sorted(user));
    }
    const populated = await ok({ url: '/api/users?populate=*' });
    expect(keys(populated[0])).toEqual(sorted([...user, 'role']));
    expect(keys(populated[0].role)).toEqual(sorted(ROLE_KEYS));
    expect(keys(await ok({ url: `/api/users/${alice.user.id}` }))).toEqual(sorted(user));
    expect(keys(await ok({ url: `/api/users/${alice.user.id}`, auth: alice.auth }))).toEqual(sorted(user));

    const created = await ok(
      {
        method: 'POST',
        url: '/api/users',
        body: {
          username: 'carol',
          email: 'carol@example.com',
          password: SECRET.password,
          secretAnswer: SECRET.secretAnswer,
        },
      },
      201,
    );
    expect(keys(created)).toEqual(sorted(user));
    expect(
      keys(
        await ok({
          method: 'PUT',
          url: `/api/users/${created.id}`,
          body: { password: `${SECRET.password}-2`, fullName: 'C' },
        }),
      ),
    ).toEqual(sorted(user));
    expect(keys(await ok({ method: 'DELETE', url: `/api/users/${created.id}` }))).toEqual(sorted(user));
    const registered = await register(t, {
      username: 'dave',
      email: 'dave@example.com',
      password: SECRET.password,
    });
    expect(keys(registered.user)).toEqual(sorted(user));
    expect(await ok({ url: '/api/users/count' })).toBeGreaterThanOrEqual(2);
  });

  it('password-reset and change-password answers carry no private field either', async () => {
    await ok({
      method: 'POST',
      url: '/api/auth/forgot-password',
      body: { email: 'dave@example.com' },
      auth: 'none',
    });
    const dave = await login(t, 'dave', SECRET.password);
    const changed = await ok({
      method: 'POST',
      url: '/api/auth/change-password',
      auth: bearer(dave.json().jwt),
      body: {
        currentPassword: SECRET.password,
        password: `${SECRET.password}-new`,
        passwordConfirmation: `${SECRET.password}-new`,
      },
    });
    expect(keys(changed)).toEqual(['jwt', 'user']);
    expect(keys(changed.user)).toEqual(sorted(USER_KEYS));
  });

  it('error messages never echo a password or a private value', async () => {
    // A unique violation on a document that also carries a password and private values.
    expectError(
      await req({ method: 'POST', url: '/api/articles', body: articleBody('Again', { code: 'hello' }) }),
      400,
      'ValidationError',
    );
    // A password that fails validation, a private value of the wrong type, a component error next to them.
    const invalid = await req({
      method: 'POST',
      url: '/api/articles',
      body: {
        data: {
          title: 'x',
          accessCode: 'S3cr3t!',
          internalNote: 42,
          seo: { pin: 12345678, metaSecret: SECRET.metaSecret },
        },
      },
    });
    expectError(invalid, 400, 'ValidationError');
    expect(invalid.body).not.toContain('S3cr3t!');
    expect(invalid.body).not.toContain('12345678');
    // Users & Permissions: duplicates, short passwords, bad logins, wrong current password.
    const attempts: RequestOptions[] = [
      {
        method: 'POST',
        url: '/api/users',
        body: { username: 'alice', email: 'x@example.com', password: SECRET.password },
      },
      {
        method: 'POST',
        url: '/api/users',
        body: { username: 'erin', email: 'alice@example.com', password: SECRET.password },
      },
      {
        method: 'POST',
        url: '/api/users',
        body: { username: 'erin', email: 'erin@example.com', password: 'Pw9!' },
      },
      { method: 'PUT', url: `/api/users/${alice.user.id}`, body: { password: 'Pw9!' } },
      { method: 'PUT', url: '/api/users/999999', body: { password: SECRET.password } },
      {
        method: 'POST',
        url: '/api/auth/local/register',
        auth: 'none',
        body: { username: 'alice', email: 'alice@example.com', password: SECRET.password },
      },
      {
        method: 'POST',
        url: '/api/auth/local/register',
        auth: 'none',
        body: { username: 'frank', email: 'not-an-email', password: SECRET.password },
      },
      {
        method: 'POST',
        url: '/api/auth/local/register',
        auth: 'none',
        body: {
          username: 'frank',
          email: 'frank@example.com',
          password: SECRET.password,
          secretAnswer: SECRET.secretAnswer,
        },
      },
      {
        method: 'POST',
        url: '/api/auth/local',
        auth: 'none',
        body: { identifier: 'alice', password: `${SECRET.password}x` },
      },
      {
        method: 'POST',
        url: '/api/auth/local',
        auth: 'none',
        body: { identifier: SECRET.password, password: 'x' },
      },
      {
        method: 'POST',
        url: '/api/auth/change-password',
        auth: alice.auth,
        body: {
          currentPassword: 'SENTINEL-wrong',
          password: 'SENTINEL-next',
          passwordConfirmation: 'SENTINEL-next',
        },
      },
      {
        method: 'POST',
        url: '/api/auth/reset-password',
        auth: 'none',
        body: { code: SECRET.resetToken, password: 'SENTINEL-next', passwordConfirmation: 'SENTINEL-next' },
      },
    ];
    for (const attempt of attempts) {
      const res = await req(attempt);
      expect(res.status, `${attempt.method} ${attempt.url}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${attempt.method} ${attempt.url}: ${res.body}`).toBeLessThan(500);
      expect(res.body).not.toContain('Pw9!');
    }
  });

  it('_q never matches private or password attributes', async () => {
    for (const [url, auth] of [
      ['/api/articles?_q=SENTINEL', 'full'],
      ['/api/articles?_q=internal-note', 'none'],
      ['/api/articles?_q=argon2', 'full'],
      ['/api/articles?_q=$argon2id$', 'full'],
      ['/api/authors?_q=private.example', 'full'],
      ['/api/users?_q=SENTINEL', 'full'],
      ['/api/users?_q=argon2', 'full'],
      ['/api/users?_q=reset-token', 'full'],
    ] as const) {
      const body = await ok({ url, auth });
      expect(Array.isArray(body) ? body : body.data, url).toEqual([]);
    }
    // _q does search the public attributes.
    expect((await ok({ url: '/api/articles?_q=hello' })).data.length).toBe(1);
  });

  it('filters naming private or password attributes are 400 Invalid key, at any depth', async () => {
    const cases: [string, string][] = [
      ['/api/articles?filters[internalNote][$eq]=x', 'internalNote'],
      ['/api/articles?filters[accessCode][$notNull]=true', 'accessCode'],
      [
        '/api/articles?filters[$or][0][title]=x&filters[$or][1][internalNote][$containsi]=sentinel',
        'internalNote',
      ],
      ['/api/articles?filters[$not][accessCode][$null]=true', 'accessCode'],
      ['/api/articles?filters[author][email][$endsWith]=example', 'email'],
      ['/api/articles?filters[owner][password][$startsWith]=$argon2', 'password'],
      ['/api/articles?filters[owner][resetPasswordToken][$notNull]=true', 'resetPasswordToken'],
      ['/api/articles?filters[owner][confirmationToken][$eq]=x', 'confirmationToken'],
      ['/api/articles?filters[owner][secretAnswer][$eq]=x', 'secretAnswer'],
      ['/api/articles?filters[seo][metaSecret][$eq]=x', 'metaSecret'],
      ['/api/articles?filters[seo][pin][$notNull]=true', 'pin'],
      ['/api/articles?filters[category][articles][accessCode][$null]=false', 'accessCode'],
      ['/api/articles?populate[author][filters][email][$eq]=x', 'email'],
      ['/api/authors?filters[email][$contains]=@', 'email'],
      ['/api/authors?filters[account][password][$notNull]=true', 'password'],
      ['/api/users?filters[password][$notNull]=true', 'password'],
      ['/api/users?filters[resetPasswordToken][$null]=false', 'resetPasswordToken'],
      ['/api/users?filters[confirmationToken][$null]=false', 'confirmationToken'],
      ['/api/users?filters[secretAnswer][$eq]=x', 'secretAnswer'],
      ['/api/users/count?filters[password][$notNull]=true', 'password'],
    ];
    for (const [url, key] of cases) {
      const res = await req({ url });
      expect(res.status, `${url}: ${res.body}`).toBe(400);
      expectInvalidKey(res, key, 'filters');
    }
  });

  it('sorts and fields naming private or password attributes are 400 Invalid key', async () => {
    const sorts: [string, string][] = [
      ['/api/articles?sort=internalNote', 'internalNote'],
      ['/api/articles?sort=accessCode:desc', 'accessCode'],
      ['/api/articles?sort[0]=title&sort[1]=author.email', 'email'],
      ['/api/articles?sort[owner][password]=asc', 'password'],
      ['/api/articles?sort=owner.resetPasswordToken', 'resetPasswordToken'],
      ['/api/users?sort=password', 'password'],
      ['/api/users?sort=secretAnswer:desc', 'secretAnswer'],
    ];
    for (const [url, key] of sorts) expectInvalidKey(await req({ url }), key, 'sort');
    const fields: [string, string][] = [
      ['/api/articles?fields=title,internalNote', 'internalNote'],
      ['/api/articles?fields[0]=accessCode', 'accessCode'],
      ['/api/articles?populate[owner][fields][0]=password', 'password'],
      ['/api/articles?populate[seo][fields][0]=metaSecret', 'metaSecret'],
      ['/api/users?fields=resetPasswordToken', 'resetPasswordToken'],
      ['/api/users/me?fields=password', 'password'],
    ];
    for (const [url, key] of fields) {
      expectInvalidKey(await req({ url, auth: url.includes('/me') ? alice.auth : 'full' }), key, 'fields');
    }
  });

  // -- relations to types the caller may not find (§6.4) ------------------------------------------------

  it('relations to types the caller may not find vanish from populate=*, silently', async () => {
    const article = (await ok({ url: `/api/articles/${articleId}?populate=*`, auth: 'none' })).data;
    expect(keys(article)).toEqual(sorted([...ARTICLE_KEYS, 'category', 'seo', 'blocks']));
    const asUser = (await ok({ url: `/api/articles/${articleId}?populate=*`, auth: alice.auth })).data;
    expect(keys(asUser)).toEqual(sorted([...ARTICLE_KEYS, 'owner', 'author', 'category', 'seo', 'blocks']));
    const asWriter = (await ok({ url: `/api/articles/${articleId}?populate=*`, auth: writer })).data;
    expect(keys(asWriter)).toEqual(sorted([...ARTICLE_KEYS, 'seo', 'blocks']));
    const home = (await ok({ url: '/api/homepage?populate=*', auth: 'none' })).data;
    expect(keys(home)).toEqual(sorted([...HOMEPAGE_KEYS, 'seo']));
  });

  it('… and from explicit, nested and component populate, silently (200)', async () => {
    for (const populate of [
      'populate=author',
      'populate=author,owner',
      'populate[0]=author&populate[1]=owner',
      'populate[author]=true',
      'populate[author][fields][0]=name',
      'populate[author][populate][account]=true',
      'populate[owner][populate]=role',
      'populate[author][filters][name][$eq]=Ada',
    ]) {
      const data = (await ok({ url: `/api/articles/${articleId}?${populate}`, auth: 'none' })).data;
      expect(keys(data), populate).toEqual(sorted(ARTICLE_KEYS));
    }
    const mixed = (await ok({ url: `/api/articles/${articleId}?populate=author,category`, auth: 'none' }))
      .data;
    expect(keys(mixed)).toEqual(sorted([...ARTICLE_KEYS, 'category']));
    // Nested: categories → articles → author/owner.
    const categories = (await ok({ url: '/api/categories?populate[articles][populate]=*', auth: 'none' }))
      .data;
    const hello = categories[0].articles.find((a: { title: string }) => a.title === 'Hello');
    expect(keys(hello)).toEqual(sorted([...ARTICLE_KEYS, 'category', 'seo', 'blocks']));
    // A relation inside a component of a dynamic zone (with `on`, only the listed components come back).
    const quoted = (
      await ok({
        url: `/api/articles/${articleId}?populate[blocks][on][shared.quote][populate]=by`,
        auth: 'none',
      })
    ).data.blocks;
    expect(quoted.map(keys)).toEqual([['__component', 'id', 'text']]);
    const all = (await ok({ url: `/api/articles/${articleId}?populate[blocks][populate]=*`, auth: 'none' }))
      .data.blocks;
    expect(all.map(keys)).toEqual([
      ['__component', 'id', 'text'],
      ['__component', 'id', 'metaTitle'],
    ]);
    // The same populate with the right to read authors does show them.
    const byAlice = (
      await ok({
        url: `/api/articles/${articleId}?populate[blocks][on][shared.quote][populate]=by`,
        auth: alice.auth,
      })
    ).data.blocks;
    expect(byAlice[0].by.name).toBe('Ada');
    // An authenticated user without role.find: a user's role vanishes from the user listing.
    const users = await ok({ url: '/api/users?populate=role', auth: alice.auth });
    for (const user of users) expect(keys(user)).toEqual(sorted(USER_KEYS));
  });

  it('/api/users/me and /api/users/:id populate with the caller’s rights: no role without role.find', async () => {
    for (const url of [
      '/api/users/me?populate=role',
      '/api/users/me?populate=*',
      `/api/users/${alice.user.id}?populate=role`,
    ]) {
      expect(keys(await ok({ url, auth: alice.auth })), url).toEqual(sorted(USER_KEYS));
    }
  });

  it('… so a user cannot list the other users and the grants through its own role', async () => {
    const other = await register(t, {
      username: 'grace',
      email: 'grace@example.com',
      password: 'grace-pass',
    });
    const me = await ok({ url: '/api/users/me?populate[role][populate]=*', auth: other.auth });
    expect(me.role, JSON.stringify(me.role)).toBeUndefined();
    expect(JSON.stringify(me)).not.toContain('alice@example.com');
    expect(JSON.stringify(me)).not.toContain('plugin::users-permissions');
  });

  it('… and are 400 Invalid key in filters and sorts', async () => {
    const filters: [string, string, string][] = [
      ['none', '/api/articles?filters[author][name][$eq]=Ada', 'author'],
      ['none', '/api/articles?filters[owner][id][$eq]=1', 'owner'],
      ['none', '/api/articles?filters[owner][$null]=true', 'owner'],
      ['none', `/api/articles?filters[author]=${adaNumericId}`, 'author'],
      ['none', '/api/articles?filters[$or][0][title]=x&filters[$or][1][author][name]=Ada', 'author'],
      ['none', '/api/categories?filters[articles][author][name][$eq]=Ada', 'author'],
      ['none', '/api/articles?populate[category][filters][articles][owner][username]=alice', 'owner'],
      ['writer', '/api/articles?filters[category][name]=news', 'category'],
      ['writer', '/api/articles?filters[owner][username]=alice', 'owner'],
      ['alice', '/api/users?filters[role][name]=Authenticated', 'role'],
    ];
    const as = (who: string) => (who === 'writer' ? writer : who === 'alice' ? alice.auth : who);
    for (const [who, url, key] of filters)
      expectInvalidKey(await req({ url, auth: as(who) }), key, 'filters');
    const sorts: [string, string, string][] = [
      ['none', '/api/articles?sort=author.name', 'author'],
      ['none', '/api/articles?sort[owner][username]=desc', 'owner'],
      ['writer', '/api/articles?sort=category.name:asc', 'category'],
    ];
    for (const [who, url, key] of sorts) expectInvalidKey(await req({ url, auth: as(who) }), key, 'sort');
  });

  it('… and are 400 Invalid key in request bodies, and nothing is written', async () => {
    const count = async () =>
      (await ok({ url: '/api/articles?filters[title][$eq]=Refused&status=draft' })).meta.pagination.total;
    const bodies: [Record<string, unknown>, string, string | null][] = [
      [{ author: adaId }, 'author', null],
      [{ owner: alice.user.id }, 'owner', null],
      [{ category: categoryId }, 'category', null],
      [{ author: { connect: [adaId] } }, 'author', null],
      [{ blocks: [{ __component: 'shared.quote', text: 'q', by: adaId }] }, 'by', 'blocks.0.by'],
    ];
    for (const [extra, key, path] of bodies) {
      for (const [method, url] of [
        ['POST', '/api/articles'],
        ['PUT', `/api/articles/${articleId}`],
      ] as const) {
        const res = await req({ method, url, auth: writer, body: { data: { title: 'Refused', ...extra } } });
        const error = expectError(res, 400, 'ValidationError');
        expect(error.message).toBe(path ? `Invalid key ${key} at ${path}` : `Invalid key ${key}`);
        expect(error.details).toEqual({ key, path, source: 'body' });
      }
    }
    expect(await count()).toBe(0);
    expect((await ok({ url: `/api/articles/${articleId}` })).data.title).toBe('Hello');
    // Alice may relate articles to authors and users: she can find them.
    const allowed = await ok(
      {
        method: 'POST',
        url: '/api/articles?populate=author,owner',
        auth: alice.auth,
        body: { data: { title: 'Related', author: adaId, owner: alice.user.id } },
      },
      201,
    );
    expect(allowed.data.author.documentId).toBe(adaId);
    expect(allowed.data.owner.username).toBe('alice');
  });

  it('every response of the suite was checked for private values', () => {
    expect(checked).toBeGreaterThan(100);
  });
});
