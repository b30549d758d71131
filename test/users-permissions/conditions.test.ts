import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import type { TestNode, TestResponse } from '../helpers/node.js';
import {
  assignRole,
  register,
  startNodeWithPermissions,
  updateUser,
  type PermissionsFile,
  type SignedIn,
} from '../helpers/users-permissions.js';

/**
 * Grants with conditions (README "Users, roles and permissions"): a Strapi filters object with `$user.*`
 * variables, compiled into the WHERE clause of reads, counts, updates and deletes. A document outside the
 * caller's conditions does not exist for that caller: find and its pagination totals never count it,
 * findOne, update and delete answer 404 (delete: for a missing document too, so the answers are alike;
 * without conditions a delete of a missing document is Strapi's 204, reference §1.5) and remove nothing. Conditions AND with the client's filters (a client `$or` cannot widen
 * them); several grants of one action OR together; `$user.*` is null for the Public role, so such a
 * grant matches nothing there.
 */

const ARTICLE = 'api::article.article';
const NOTE = 'api::note.note';
const OWN = { owner: { id: { $eq: '$user.id' } } };

const PERMISSIONS: PermissionsFile = {
  roles: {
    public: {
      permissions: [
        { action: `${ARTICLE}.find`, conditions: { featured: true } },
        { action: `${ARTICLE}.findOne`, conditions: { featured: true } },
        { action: `${NOTE}.find`, conditions: OWN },
      ],
    },
    authenticated: {
      permissions: [
        { action: `${ARTICLE}.find`, conditions: OWN },
        { action: `${ARTICLE}.findOne`, conditions: OWN },
        `${ARTICLE}.create`,
        { action: `${ARTICLE}.update`, conditions: OWN },
        { action: `${ARTICLE}.delete`, conditions: OWN },
        // Two grants of one action: either suffices.
        { action: `${NOTE}.find`, conditions: OWN },
        { action: `${NOTE}.find`, conditions: { priority: { $gte: 5 } } },
        { action: `${NOTE}.findOne`, conditions: OWN },
        { action: `${NOTE}.findOne`, conditions: { priority: { $gte: 5 } } },
        'api::category.category.find',
      ],
    },
    namesake: {
      name: 'Namesake',
      permissions: [{ action: `${NOTE}.find`, conditions: { title: { $startsWith: '$user.username' } } }],
    },
    reviewer: {
      name: 'Reviewer',
      permissions: [
        { action: `${ARTICLE}.find`, conditions: { publishedAt: { $notNull: true } } },
        { action: `${ARTICLE}.update`, conditions: { featured: true } },
      ],
    },
  },
};

const NOT_FOUND = {
  data: null,
  error: { status: 404, name: 'NotFoundError', message: 'Not Found', details: {} },
};

type Doc = { documentId: string; title: string } & Record<string, unknown>;

describeEachDatabase('permission conditions compiled into SQL', (kind) => {
  let t: TestNode;
  let alice: SignedIn;
  let bob: SignedIn;
  let rita: SignedIn;
  let newcomer: SignedIn;
  const articles = new Map<string, Doc>();
  const notes = new Map<string, Doc>();
  let categoryId: string;

  async function create(plural: string, data: Record<string, unknown>, query = ''): Promise<Doc> {
    const res = await t.request({ method: 'POST', url: `/api/${plural}${query}`, body: { data } });
    expect(res.status, res.body).toBe(201);
    return res.json().data;
  }

  beforeAll(async () => {
    t = await startNodeWithPermissions({ kind, permissions: PERMISSIONS });
    alice = await register(t, { username: 'alice', email: 'alice@example.com', password: 'alice-pass' });
    bob = await register(t, { username: 'bob', email: 'bob@example.com', password: 'bob-pass' });
    rita = await register(t, { username: 'rita', email: 'rita@example.com', password: 'rita-pass' });
    newcomer = await register(t, { username: 'newcomer', email: 'new@example.com', password: 'new-pass' });
    await assignRole(t, rita.user.id, 'reviewer');

    categoryId = (await create('categories', { name: 'news' })).documentId;
    const seed: [string, Record<string, unknown>][] = [
      ['alpha one', { owner: alice.user.id, featured: true, rank: 3, category: categoryId }],
      ['alpha two', { owner: alice.user.id, rank: 1 }],
      ['alpha three', { owner: alice.user.id, featured: true, rank: 2 }],
      ['bravo one', { owner: bob.user.id, rank: 5, category: categoryId }],
      ['bravo two', { owner: bob.user.id, featured: true, rank: 4, category: categoryId }],
      ['orphan', { featured: true }],
    ];
    for (const [title, data] of seed) articles.set(title, await create('articles', { title, ...data }));
    // Drafts that were never published.
    articles.set(
      'alpha draft',
      await create(
        'articles',
        { title: 'alpha draft', owner: alice.user.id, featured: true },
        '?status=draft',
      ),
    );
    articles.set(
      'bravo draft',
      await create('articles', { title: 'bravo draft', owner: bob.user.id, featured: true }, '?status=draft'),
    );

    const noteSeed: [string, Record<string, unknown>][] = [
      ['n1 alice low', { owner: alice.user.id, priority: 1 }],
      ['n2 alice high', { owner: alice.user.id, priority: 9 }],
      ['n3 bob low', { owner: bob.user.id, priority: 2 }],
      ['n4 bob high', { owner: bob.user.id, priority: 7 }],
      ['n5 nobody high', { priority: 5 }],
      ['n6 nobody unset', {}],
    ];
    for (const [title, data] of noteSeed) notes.set(title, await create('notes', { title, ...data }));
  });
  afterAll(() => t?.close());

  const id = (title: string) => {
    const doc = articles.get(title) ?? notes.get(title);
    expect(doc, title).toBeDefined();
    return doc!.documentId;
  };

  async function list(url: string, auth: string): Promise<{ titles: string[]; pagination: unknown }> {
    const res = await t.request({ url, auth });
    expect(res.status, `${url}: ${res.body}`).toBe(200);
    const body = res.json();
    return { titles: body.data.map((d: Doc) => d.title), pagination: body.meta.pagination };
  }

  /** The article as the full-access token sees it (draft row), or null. */
  async function draftOf(documentId: string): Promise<Doc | null> {
    const res = await t.request({ url: `/api/articles/${documentId}?status=draft` });
    if (res.status === 404) return null;
    expect(res.status, res.body).toBe(200);
    return res.json().data;
  }

  function expectNotFound(res: TestResponse, what: string): void {
    expect(res.status, `${what}: ${res.body}`).toBe(404);
    expect(res.json()).toEqual(NOT_FOUND);
  }

  it('find returns only the caller’s own documents, and the pagination meta counts only them', async () => {
    expect(await list('/api/articles?sort=rank', alice.auth)).toEqual({
      titles: ['alpha two', 'alpha three', 'alpha one'],
      pagination: { page: 1, pageSize: 25, pageCount: 1, total: 3 },
    });
    expect(await list('/api/articles?sort=rank', bob.auth)).toEqual({
      titles: ['bravo two', 'bravo one'],
      pagination: { page: 1, pageSize: 25, pageCount: 1, total: 2 },
    });
    expect(await list('/api/articles', newcomer.auth)).toEqual({
      titles: [],
      pagination: { page: 1, pageSize: 25, pageCount: 0, total: 0 },
    });
  });

  it('pages are cut from the caller’s documents only (page and offset modes)', async () => {
    const url = (page: number) => `/api/articles?sort=rank&pagination[page]=${page}&pagination[pageSize]=2`;
    expect(await list(url(1), alice.auth)).toEqual({
      titles: ['alpha two', 'alpha three'],
      pagination: { page: 1, pageSize: 2, pageCount: 2, total: 3 },
    });
    expect(await list(url(2), alice.auth)).toEqual({
      titles: ['alpha one'],
      pagination: { page: 2, pageSize: 2, pageCount: 2, total: 3 },
    });
    expect(await list(url(2), bob.auth)).toEqual({
      titles: [],
      pagination: { page: 2, pageSize: 2, pageCount: 1, total: 2 },
    });
    expect(await list('/api/articles?sort=rank&pagination[start]=1&pagination[limit]=1', alice.auth)).toEqual(
      { titles: ['alpha three'], pagination: { start: 1, limit: 1, total: 3 } },
    );
  });

  it('the same query string from different users is answered for each of them (no shared plan)', async () => {
    const url = '/api/articles?sort=title&fields[0]=title';
    for (let round = 0; round < 2; round++) {
      expect((await list(url, alice.auth)).titles).toEqual(['alpha one', 'alpha three', 'alpha two']);
      expect((await list(url, bob.auth)).titles).toEqual(['bravo one', 'bravo two']);
      expect((await list(url, newcomer.auth)).titles).toEqual([]);
    }
  });

  it('drafts are bound by the same conditions', async () => {
    expect(await list('/api/articles?status=draft&sort=title', alice.auth)).toEqual({
      titles: ['alpha draft', 'alpha one', 'alpha three', 'alpha two'],
      pagination: { page: 1, pageSize: 25, pageCount: 1, total: 4 },
    });
    expectNotFound(
      await t.request({ url: `/api/articles/${id('bravo draft')}?status=draft`, auth: alice.auth }),
      'another user’s draft',
    );
  });

  it('conditions combine with the client’s filters, $or groups, _q and sorts', async () => {
    expect(await list('/api/articles?filters[title][$contains]=two&sort=title:desc', alice.auth)).toEqual({
      titles: ['alpha two'],
      pagination: { page: 1, pageSize: 25, pageCount: 1, total: 1 },
    });
    // A client $or must not widen the caller's conditions.
    expect(
      (
        await list(
          '/api/articles?filters[$or][0][title][$startsWith]=bravo&filters[$or][1][featured]=true&sort=title',
          alice.auth,
        )
      ).titles,
    ).toEqual(['alpha one', 'alpha three']);
    expect((await list('/api/articles?filters[$not][featured]=true', bob.auth)).titles).toEqual([
      'bravo one',
    ]);
    expect(await list('/api/articles?_q=bravo', alice.auth)).toEqual({
      titles: [],
      pagination: { page: 1, pageSize: 25, pageCount: 0, total: 0 },
    });
    expect((await list('/api/articles?_q=ONE', alice.auth)).titles).toEqual(['alpha one']);
    expect((await list('/api/articles?filters[id][$gt]=0&sort=rank:desc', bob.auth)).titles).toEqual([
      'bravo one',
      'bravo two',
    ]);
  });

  it('findOne of another user’s document is 404, exactly as for a document that does not exist', async () => {
    const mine = await t.request({ url: `/api/articles/${id('alpha one')}`, auth: alice.auth });
    expect(mine.status, mine.body).toBe(200);
    expect(mine.json().data.title).toBe('alpha one');
    expectNotFound(await t.request({ url: `/api/articles/${id('bravo one')}`, auth: alice.auth }), 'bob’s');
    expectNotFound(await t.request({ url: `/api/articles/${id('orphan')}`, auth: alice.auth }), 'unowned');
    expectNotFound(await t.request({ url: '/api/articles/doesnotexist00000000000', auth: alice.auth }), '?');
  });

  it('update of another user’s document is 404 and changes nothing (draft or published)', async () => {
    const target = id('bravo one');
    const before = await draftOf(target);
    for (const query of ['', '?status=draft']) {
      expectNotFound(
        await t.request({
          method: 'PUT',
          url: `/api/articles/${target}${query}`,
          body: { data: { title: 'stolen', featured: false } },
          auth: alice.auth,
        }),
        `update${query}`,
      );
    }
    expect(await draftOf(target)).toEqual(before);
    const published = await t.request({ url: `/api/articles/${target}` });
    expect(published.json().data.title).toBe('bravo one');
    expect((await list('/api/articles?sort=rank', bob.auth)).titles).toEqual(['bravo two', 'bravo one']);
  });

  it('update of one’s own document works', async () => {
    const doc = await create('articles', { title: 'alice edits', owner: alice.user.id });
    const res = await t.request({
      method: 'PUT',
      url: `/api/articles/${doc.documentId}`,
      body: { data: { title: 'alice edited' } },
      auth: alice.auth,
    });
    expect(res.status, res.body).toBe(200);
    expect(res.json().data.title).toBe('alice edited');
    expect((await draftOf(doc.documentId))!.title).toBe('alice edited');
  });

  it('delete of another user’s document is 404, exactly as for a missing document, and deletes nothing', async () => {
    const bobs = await create('articles', { title: 'bob keeps this', owner: bob.user.id });
    const missing = await t.request({
      method: 'DELETE',
      url: '/api/articles/doesnotexist00000000000',
      auth: alice.auth,
    });
    const other = await t.request({
      method: 'DELETE',
      url: `/api/articles/${bobs.documentId}`,
      auth: alice.auth,
    });
    expect({ status: other.status, body: other.body }).toEqual({
      status: missing.status,
      body: missing.body,
    });
    expectNotFound(other, 'delete of bob’s');
    expect(await draftOf(bobs.documentId)).not.toBeNull();
    expect((await t.request({ url: `/api/articles/${bobs.documentId}` })).status).toBe(200);

    const mine = await create('articles', { title: 'alice drops this', owner: alice.user.id });
    const res = await t.request({
      method: 'DELETE',
      url: `/api/articles/${mine.documentId}`,
      auth: alice.auth,
    });
    expect(res.status, res.body).toBe(204);
    expect(await draftOf(mine.documentId)).toBeNull();
  });

  it('a condition on a scalar: Public sees only featured articles', async () => {
    expect(await list('/api/articles?sort=title', 'none')).toEqual({
      titles: ['alpha one', 'alpha three', 'bravo two', 'orphan'],
      pagination: { page: 1, pageSize: 25, pageCount: 1, total: 4 },
    });
    expect((await list('/api/articles?filters[featured]=false', 'none')).titles).toEqual([]);
    expect(
      (await list('/api/articles?filters[featured][$ne]=true&filters[rank][$gte]=0', 'none')).titles,
    ).toEqual([]);
    // Drafts flagged featured are still drafts: conditions do not change the status rules.
    expect((await list('/api/articles?status=draft&sort=title', 'none')).titles).toEqual([
      'alpha draft',
      'alpha one',
      'alpha three',
      'bravo draft',
      'bravo two',
      'orphan',
    ]);
    const featured = await t.request({ url: `/api/articles/${id('bravo two')}`, auth: 'none' });
    expect(featured.status, featured.body).toBe(200);
    expectNotFound(
      await t.request({ url: `/api/articles/${id('alpha two')}`, auth: 'none' }),
      'not featured',
    );
  });

  it('a condition on a system field: a reviewer sees published documents only', async () => {
    const published = await list('/api/articles?fields[0]=title&pagination[pageSize]=100', rita.auth);
    expect(published.titles).toContain('bravo one');
    expect(published.titles).not.toContain('alpha draft');
    expect(await list('/api/articles?status=draft', rita.auth)).toEqual({
      titles: [],
      pagination: { page: 1, pageSize: 25, pageCount: 0, total: 0 },
    });
  });

  it('update conditions are checked on the stored document, not on the body', async () => {
    const plain = await create('articles', { title: 'plain', featured: false });
    // Rita may update featured articles only; sending featured=true does not make this one featured.
    expectNotFound(
      await t.request({
        method: 'PUT',
        url: `/api/articles/${plain.documentId}`,
        body: { data: { featured: true, title: 'promoted' } },
        auth: rita.auth,
      }),
      'update of a non-featured article',
    );
    expect(await draftOf(plain.documentId)).toMatchObject({ title: 'plain', featured: false });
    const shiny = await create('articles', { title: 'shiny', featured: true });
    const res = await t.request({
      method: 'PUT',
      url: `/api/articles/${shiny.documentId}`,
      body: { data: { title: 'shinier' } },
      auth: rita.auth,
    });
    expect(res.status, res.body).toBe(200);
  });

  it('two grants of one action OR together', async () => {
    expect(await list('/api/notes?sort=title', alice.auth)).toEqual({
      titles: ['n1 alice low', 'n2 alice high', 'n4 bob high', 'n5 nobody high'],
      pagination: { page: 1, pageSize: 25, pageCount: 1, total: 4 },
    });
    expect((await list('/api/notes?sort=title', bob.auth)).titles).toEqual([
      'n2 alice high',
      'n3 bob low',
      'n4 bob high',
      'n5 nobody high',
    ]);
    expect((await list('/api/notes?sort=title&filters[priority][$lt]=5', alice.auth)).titles).toEqual([
      'n1 alice low',
    ]);
    expect((await t.request({ url: `/api/notes/${id('n4 bob high')}`, auth: alice.auth })).status).toBe(200);
    expect((await t.request({ url: `/api/notes/${id('n1 alice low')}`, auth: alice.auth })).status).toBe(200);
    expectNotFound(await t.request({ url: `/api/notes/${id('n3 bob low')}`, auth: alice.auth }), 'n3');
    expectNotFound(await t.request({ url: `/api/notes/${id('n6 nobody unset')}`, auth: alice.auth }), 'n6');
  });

  it('a condition on a user field follows the user when it changes (no plan or answer kept for the old value)', async () => {
    const carol = await register(t, {
      username: 'carol',
      email: 'carol@example.com',
      password: 'carol-pass',
    });
    await assignRole(t, carol.user.id, 'namesake');
    for (const title of ['carol: to do', 'dave: to do']) await create('notes', { title });
    const url = '/api/notes?fields[0]=title';
    expect((await list(url, carol.auth)).titles).toEqual(['carol: to do']);
    expect((await list(url, carol.auth)).titles).toEqual(['carol: to do']);
    await updateUser(t, carol.user.id, { username: 'dave' });
    expect((await list(url, carol.auth)).titles).toEqual(['dave: to do']);
  });

  it('a $user condition on the Public role matches nothing (there is no user), rather than everything', async () => {
    expect(await list('/api/notes', 'none')).toEqual({
      titles: [],
      pagination: { page: 1, pageSize: 25, pageCount: 0, total: 0 },
    });
    expect((await list('/api/notes?filters[title][$startsWith]=n', 'none')).titles).toEqual([]);
  });

  // Alice may read every category, and only her own articles: a category's articles are bound the same way.
  it('documents outside the caller’s conditions do not appear through populate either', async () => {
    const res = await t.request({
      url: '/api/categories?populate[articles][fields][0]=title&populate[articles][sort]=title',
      auth: alice.auth,
    });
    expect(res.status, res.body).toBe(200);
    const [category] = res.json().data;
    expect(category.documentId).toBe(categoryId);
    expect(category.articles.map((a: Doc) => a.title)).toEqual(['alpha one']);
  });

  it('nor are they counted by populate[…][count]', async () => {
    const res = await t.request({ url: '/api/categories?populate[articles][count]=true', auth: alice.auth });
    expect(res.status, res.body).toBe(200);
    expect(res.json().data[0].articles).toEqual({ count: 1 });
  });

  it('nor can a filter through a relation probe for them', async () => {
    const res = await t.request({
      url: '/api/categories?filters[articles][title][$eq]=bravo one',
      auth: alice.auth,
    });
    expect(res.status, res.body).toBe(200);
    expect(res.json().data).toEqual([]);
    const own = await t.request({
      url: '/api/categories?filters[articles][title][$eq]=alpha one',
      auth: alice.auth,
    });
    expect(own.json().data.map((c: { documentId: string }) => c.documentId)).toEqual([categoryId]);
  });
});
