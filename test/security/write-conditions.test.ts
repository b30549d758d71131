import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminWithRoles, registerFirstAdmin, type AdminSession } from '../admin/helpers.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import type { TestNode, TestResponse } from '../helpers/node.js';
import { register, startNodeWithPermissions, type SignedIn } from '../helpers/users-permissions.js';
import { png, storedCounts, upload, uploadsFolder } from '../media/helpers.js';

/**
 * Issue 16, "conditions bypassed when attaching uploads": every write path decides "may this caller
 * write this document" with the compiled conditions of the update route (checkUpdates in
 * src/core/documents/access-checks.ts). Alice and Bob may each update (and delete) only their own articles
 * and authors (`owner = $user.id`); each case shows Bob cannot do to Alice's document through another
 * path what `PUT` on it already refuses (404), and that the owner still can.
 *
 * Strapi has no conditions on content-API grants (its users-permissions grants are route-level), so
 * the answers follow Quorum's documented rule: a document outside the caller's conditions does not
 * exist for them — each path answers what it answers for a missing document (README "Users, roles and
 * permissions"). Without the update grant on a type at all, the answer is the update route's 403.
 */

const ARTICLE = 'api::article.article';
const AUTHOR = 'api::author.author';
const CATEGORY = 'api::category.category';
const HOMEPAGE = 'api::homepage.homepage';
const OWN = { owner: { id: { $eq: '$user.id' } } };
const NAMED = { headline: { $startsWith: '$user.username' } };
const UPLOAD = [
  'plugin::upload.content-api.upload',
  'plugin::upload.content-api.find',
  'plugin::upload.content-api.findOne',
  'plugin::upload.content-api.destroy',
];
const NOT_FOUND = {
  data: null,
  error: { status: 404, name: 'NotFoundError', message: 'Not Found', details: {} },
};
const MISSING_ID = 'doesnotexist000000000000';

type Doc = { id: number; documentId: string } & Record<string, unknown>;

describeEachDatabase('write paths apply the update route’s conditions', (kind) => {
  let t: TestNode;
  let alice: SignedIn;
  let bob: SignedIn;

  beforeAll(async () => {
    t = await startNodeWithPermissions({
      kind,
      app: 'write-conditions',
      config: { upload: { local: { folder: uploadsFolder() } } },
      permissions: {
        roles: {
          authenticated: {
            permissions: [
              `${ARTICLE}.find`,
              `${ARTICLE}.findOne`,
              `${ARTICLE}.create`,
              { action: `${ARTICLE}.update`, conditions: OWN },
              { action: `${ARTICLE}.delete`, conditions: OWN },
              `${AUTHOR}.find`,
              `${AUTHOR}.findOne`,
              `${AUTHOR}.create`,
              { action: `${AUTHOR}.update`, conditions: OWN },
              `${CATEGORY}.find`,
              `${HOMEPAGE}.find`,
              { action: `${HOMEPAGE}.update`, conditions: NAMED },
              { action: `${HOMEPAGE}.delete`, conditions: NAMED },
              ...UPLOAD,
            ],
          },
        },
      },
    });
    alice = await register(t, { username: 'alice', email: 'alice@example.com', password: 'alice-pass' });
    bob = await register(t, { username: 'bob', email: 'bob@example.com', password: 'bob-pass' });
  });
  afterAll(() => t?.close());

  async function create(plural: string, data: Record<string, unknown>, auth = 'full'): Promise<Doc> {
    const res = await t.request({ method: 'POST', url: `/api/${plural}`, body: { data }, auth });
    expect(res.status, res.body).toBe(201);
    return res.json().data;
  }

  /** A document as the full-access token sees it (published, or the only row of a type without drafts). */
  async function read(plural: string, documentId: string, populate: string[]): Promise<Doc> {
    const query = populate.map((field, i) => `populate[${i}]=${field}`).join('&');
    const res = await t.request({ url: `/api/${plural}/${documentId}?${query}` });
    expect(res.status, res.body).toBe(200);
    return res.json().data;
  }

  async function uploadFile(auth: string, fields: Record<string, string> = {}): Promise<TestResponse> {
    return upload(t, [{ filename: 'picture.png', data: await png(8, 8) }], fields, { auth });
  }

  /** Alice's article with a cover and an image in its seo component, attached with full access. */
  async function alicesIllustratedArticle(title: string) {
    const [cover, share] = (
      await upload(t, [
        { filename: 'cover.png', data: await png(8, 8) },
        { filename: 'share.png', data: await png(6, 6) },
      ])
    ).json();
    const article = await create('articles', {
      title,
      owner: alice.user.id,
      cover: cover.id,
      seo: { metaTitle: title, shareImage: share.id },
    });
    return { article, cover: cover as Doc & { hash: string }, share: share as Doc };
  }

  function expectSameAnswer(res: TestResponse, reference: TestResponse, replace?: [string, string]) {
    const body = replace ? reference.body.split(replace[1]).join(replace[0]) : reference.body;
    expect({ status: res.status, body: res.body }).toEqual({ status: reference.status, body });
  }

  it('attaching an upload to another user’s entry answers as for a missing entry and stores nothing; the owner may', async () => {
    const { article, cover } = await alicesIllustratedArticle('attach target');
    // The reference: the update route refuses Bob this article.
    const put = await t.request({
      method: 'PUT',
      url: `/api/articles/${article.documentId}`,
      body: { data: { cover: null } },
      auth: bob.auth,
    });
    expect(put.json()).toEqual(NOT_FOUND);
    const target = { ref: ARTICLE, field: 'cover' };
    const missing = await uploadFile(bob.auth, { ...target, refId: MISSING_ID });
    expect(missing.status, missing.body).toBe(400);
    const before = await storedCounts(t);

    // Before the fix: 201, and Alice's cover was Bob's picture.
    const byDocumentId = await uploadFile(bob.auth, { ...target, refId: article.documentId });
    expectSameAnswer(byDocumentId, missing, [article.documentId, MISSING_ID]);
    const byRowId = await uploadFile(bob.auth, { ...target, refId: String(article.id) });
    expectSameAnswer(byRowId, missing, [String(article.id), MISSING_ID]);
    expect(await storedCounts(t)).toEqual(before);
    expect(((await read('articles', article.documentId, ['cover'])).cover as Doc).id).toBe(cover.id);

    const own = await uploadFile(alice.auth, { ...target, refId: article.documentId });
    expect(own.status, own.body).toBe(201);
    expect(((await read('articles', article.documentId, ['cover'])).cover as Doc).id).toBe(own.json()[0].id);
  });

  it('renaming or replacing a file another user’s entry uses is 404 file.notFound, as for a missing file; the owner may', async () => {
    const { cover, share } = await alicesIllustratedArticle('renamed');
    const rename = (id: number, auth: string) =>
      upload(
        t,
        [],
        { fileInfo: JSON.stringify({ name: 'stolen.png' }) },
        { url: `/api/upload?id=${id}`, auth },
      );
    const replace = async (id: number, auth: string) =>
      upload(
        t,
        [{ filename: 'other.png', data: await png(9, 9) }],
        {},
        { url: `/api/upload?id=${id}`, auth },
      );
    const missing = await rename(999999, bob.auth);
    expect(missing.status, missing.body).toBe(404);
    expect(missing.json().error.message).toBe('file.notFound');
    const before = await storedCounts(t);

    // Before the fix: 200 for each, and Alice's article showed Bob's name and bytes.
    expectSameAnswer(await rename(cover.id, bob.auth), missing);
    expectSameAnswer(await replace(cover.id, bob.auth), missing);
    // A file used through a component of the entry belongs to it the same way.
    expectSameAnswer(await rename(share.id, bob.auth), missing);
    expect(await storedCounts(t)).toEqual(before);
    const unchanged = (await t.request({ url: `/api/upload/files/${cover.id}` })).json();
    expect(unchanged).toMatchObject({ name: cover.name, hash: cover.hash });

    const renamed = await rename(cover.id, alice.auth);
    expect(renamed.status, renamed.body).toBe(200);
    expect(renamed.json().name).toBe('stolen.png');
    const replaced = await replace(cover.id, alice.auth);
    expect(replaced.status, replaced.body).toBe(200);
    expect(replaced.json().hash).not.toBe(cover.hash);
  });

  it('deleting a file another user’s entry uses is 404 and keeps it; a file no entry uses stays deletable', async () => {
    const { article, cover } = await alicesIllustratedArticle('deleted');
    const remove = (id: number, auth: string) =>
      t.request({ method: 'DELETE', url: `/api/upload/files/${id}`, auth });
    const missing = await remove(999999, bob.auth);
    expect(missing.status, missing.body).toBe(404);

    // Before the fix: 200, the file and Alice's cover link were gone.
    expectSameAnswer(await remove(cover.id, bob.auth), missing);
    expect((await t.request({ url: `/api/upload/files/${cover.id}` })).status).toBe(200);
    expect(((await read('articles', article.documentId, ['cover'])).cover as Doc).id).toBe(cover.id);

    const [loose] = (await uploadFile(alice.auth)).json();
    expect((await remove(loose.id, bob.auth)).status).toBe(200);
    expect((await remove(cover.id, alice.auth)).status).toBe(200);
    expect((await read('articles', article.documentId, ['cover'])).cover).toBeNull();
  });

  it('changing a file used by a type the caller may not update at all is 403', async () => {
    const [icon] = (await upload(t, [{ filename: 'icon.png', data: await png(4, 4) }])).json();
    await create('categories', { name: 'news', icon: icon.id });
    // Before the fix: 200 (the upload grant was all it took).
    const res = await upload(
      t,
      [],
      { fileInfo: JSON.stringify({ name: 'renamed.png' }) },
      { url: `/api/upload?id=${icon.id}`, auth: bob.auth },
    );
    expect(res.status, res.body).toBe(403);
    expect(res.json().error.name).toBe('ForbiddenError');
    expect((await t.request({ url: `/api/upload/files/${icon.id}` })).json().name).toBe('icon.png');
  });

  it('connect, disconnect and set from the inverse side change only owners the caller may update', async () => {
    const bobsAuthor = await create('authors', { name: 'Bob B.', owner: bob.user.id });
    const alicesArticle = await create('articles', { title: 'alice solo', owner: alice.user.id });
    const bobsArticle = await create('articles', { title: 'bob solo', owner: bob.user.id });
    // Alice may point her own article at Bob's author: that link is her article's.
    const linked = await create('articles', { title: 'alice for bob', owner: alice.user.id });
    const own = await t.request({
      method: 'PUT',
      url: `/api/articles/${linked.documentId}`,
      body: { data: { author: bobsAuthor.documentId } },
      auth: alice.auth,
    });
    expect(own.status, own.body).toBe(200);

    const write = (data: Record<string, unknown>) =>
      t.request({
        method: 'PUT',
        url: `/api/authors/${bobsAuthor.documentId}`,
        body: { data },
        auth: bob.auth,
      });
    const authorOf = async (documentId: string) =>
      ((await read('articles', documentId, ['author'])).author as Doc | null)?.documentId ?? null;

    // Before the fix: 200 for each, rewriting the author of Alice's articles.
    const missing = await write({ articles: { connect: [MISSING_ID] } });
    expect(missing.status, missing.body).toBe(400);
    expectSameAnswer(await write({ articles: { connect: [alicesArticle.documentId] } }), missing, [
      alicesArticle.documentId,
      MISSING_ID,
    ]);
    const missingDisconnect = await write({ articles: { disconnect: [MISSING_ID] } });
    expectSameAnswer(await write({ articles: { disconnect: [linked.documentId] } }), missingDisconnect, [
      linked.documentId,
      MISSING_ID,
    ]);
    // `set` drops Alice's link without naming it: refused at the attribute, naming nothing of hers.
    const set = await write({ articles: { set: [bobsArticle.documentId] } });
    expect(set.status, set.body).toBe(400);
    expect(set.json().error.details.errors).toEqual([
      {
        path: ['articles'],
        message: `articles: would unlink ${ARTICLE} documents you may not update`,
        name: 'ValidationError',
      },
    ]);
    expect(set.body).not.toContain(linked.documentId);
    const created = await t.request({
      method: 'POST',
      url: '/api/authors',
      body: { data: { name: 'Bob again', owner: bob.user.id, articles: [alicesArticle.documentId] } },
      auth: bob.auth,
    });
    expect(created.status, created.body).toBe(400);
    expect(await authorOf(alicesArticle.documentId)).toBeNull();
    expect(await authorOf(linked.documentId)).toBe(bobsAuthor.documentId);

    // His own article he may link from either side.
    const mine = await write({ articles: { connect: [bobsArticle.documentId] } });
    expect(mine.status, mine.body).toBe(200);
    expect(await authorOf(bobsArticle.documentId)).toBe(bobsAuthor.documentId);
  });

  it('an inverse-side write needs the update grant on the owning type (403 without it, as PUT on it)', async () => {
    const author = await create('authors', { name: 'Token T.' });
    const article = await create('articles', { title: 'token target' });
    const { token } = await t.node.tokens.create({
      name: 'authors only',
      type: 'custom',
      permissions: [`${AUTHOR}.find`, `${AUTHOR}.update`, `${ARTICLE}.find`],
    });
    const auth = `Bearer ${token}`;
    const put = (data: Record<string, unknown>) =>
      t.request({ method: 'PUT', url: `/api/authors/${author.documentId}`, body: { data }, auth });
    expect((await put({ name: 'Token U.' })).status).toBe(200);
    // Before the fix: 200, the article's author changed.
    const res = await put({ articles: { connect: [article.documentId] } });
    expect(res.status, res.body).toBe(403);
    expect(res.json().error.name).toBe('ForbiddenError');
    expect((await read('articles', article.documentId, ['author'])).author).toBeNull();
  });

  it('a one-owner target is not taken away from a document the caller may not update', async () => {
    const featured = await create('articles', { title: 'featured' });
    const alicesAuthor = await create('authors', {
      name: 'Alice A.',
      owner: alice.user.id,
      spotlight: featured.documentId,
    });
    const bobsAuthor = await create('authors', { name: 'Bob C.', owner: bob.user.id });
    const spotlightOf = async (documentId: string) =>
      ((await read('authors', documentId, ['spotlight'])).spotlight as Doc | null)?.documentId ?? null;

    // Before the fix: 200, and Alice's author lost its spotlight.
    const res = await t.request({
      method: 'PUT',
      url: `/api/authors/${bobsAuthor.documentId}`,
      body: { data: { spotlight: featured.documentId } },
      auth: bob.auth,
    });
    expect(res.status, res.body).toBe(400);
    expect(res.json().error.details.errors).toEqual([
      {
        path: ['spotlight'],
        message: `spotlight: would take documents away from ${AUTHOR} documents you may not update`,
        name: 'ValidationError',
      },
    ]);
    expect(await spotlightOf(alicesAuthor.documentId)).toBe(featured.documentId);
    expect(await spotlightOf(bobsAuthor.documentId)).toBeNull();

    // Alice may move it between her own authors.
    const second = await create('authors', { name: 'Alice B.', owner: alice.user.id });
    const moved = await t.request({
      method: 'PUT',
      url: `/api/authors/${second.documentId}`,
      body: { data: { spotlight: featured.documentId } },
      auth: alice.auth,
    });
    expect(moved.status, moved.body).toBe(200);
    expect(await spotlightOf(alicesAuthor.documentId)).toBeNull();
    expect(await spotlightOf(second.documentId)).toBe(featured.documentId);
  });

  it('a delete outside the caller’s conditions is 404, as for a missing document, and deletes nothing', async () => {
    const article = await create('articles', { title: 'alice keeps this', owner: alice.user.id });
    const del = (url: string, auth: string) => t.request({ method: 'DELETE', url, auth });
    // Before the fix: 204 for both.
    expect((await del(`/api/articles/${MISSING_ID}`, bob.auth)).json()).toEqual(NOT_FOUND);
    expect((await del(`/api/articles/${article.documentId}`, bob.auth)).json()).toEqual(NOT_FOUND);
    expect((await t.request({ url: `/api/articles/${article.documentId}` })).status).toBe(200);
    // Without conditions a missing document is still Strapi's 204.
    expect((await del(`/api/articles/${MISSING_ID}`, 'full')).status).toBe(204);
    expect((await del(`/api/articles/${article.documentId}`, alice.auth)).status).toBe(204);
    expect((await t.request({ url: `/api/articles/${article.documentId}` })).status).toBe(404);

    // A single type the same way: Bob may delete the homepage only while its headline starts with "bob".
    const home = await t.request({
      method: 'PUT',
      url: '/api/homepage',
      body: { data: { headline: 'alice home' } },
    });
    expect(home.status, home.body).toBe(200);
    expect((await del('/api/homepage', bob.auth)).json()).toEqual(NOT_FOUND);
    expect((await t.request({ url: '/api/homepage' })).json().data.headline).toBe('alice home');
    expect((await del('/api/homepage', alice.auth)).status).toBe(204);
    expect((await del('/api/homepage', alice.auth)).json()).toEqual(NOT_FOUND);
  });

  it('a single type’s update must leave it inside the caller’s conditions, as a collection type’s must', async () => {
    const home = await t.request({
      method: 'PUT',
      url: '/api/homepage',
      body: { data: { headline: 'alice page' } },
    });
    expect(home.status, home.body).toBe(200);
    const put = (headline: string, auth: string) =>
      t.request({ method: 'PUT', url: '/api/homepage', body: { data: { headline } }, auth });
    expect((await put('bob page', bob.auth)).json()).toEqual(NOT_FOUND);
    // Before the fix: 200, and the homepage was out of Alice's reach — and in Bob's.
    const handed = await put('bob owns this now', alice.auth);
    expect(handed.status, handed.body).toBe(403);
    expect(handed.json().error.message).toBe('The document would be outside what you may write');
    expect((await t.request({ url: '/api/homepage' })).json().data.headline).toBe('alice page');
    expect((await put('alice page 2', alice.auth)).status).toBe(200);
  });

  it('the content manager applies the same rule to an Author admin writing the inverse side', async () => {
    const root = await registerFirstAdmin(t);
    const writer = await adminWithRoles(t, root, 'writer@example.com', ['strapi-author']);
    const other = await adminWithRoles(t, root, 'other@example.com', ['strapi-author']);
    const base = '/admin/api/content-manager/collection-types';
    const cm = async (session: AdminSession, method: 'POST' | 'PUT', url: string, data: unknown) =>
      t.request({ method, url: `${base}/${url}`, body: { data }, auth: session.auth });
    const theirs = (await cm(other, 'POST', ARTICLE, { title: 'other’s draft' })).json().data;
    const mine = (await cm(writer, 'POST', ARTICLE, { title: 'writer’s draft' })).json().data;
    const author = (await cm(writer, 'POST', AUTHOR, { name: 'Writer W.' })).json().data;

    // Before the fix: 200, and the other admin's article had the writer's author.
    const res = await cm(writer, 'PUT', `${AUTHOR}/${author.documentId}`, {
      articles: { connect: [theirs.documentId] },
    });
    expect(res.status, res.body).toBe(400);
    const ok = await cm(writer, 'PUT', `${AUTHOR}/${author.documentId}`, {
      articles: { connect: [mine.documentId] },
    });
    expect(ok.status, ok.body).toBe(200);
    const authorOf = async (documentId: string) =>
      (await t.request({ url: `${base}/${ARTICLE}/${documentId}`, auth: root.auth })).json().data.author;
    expect((await authorOf(mine.documentId)).documentId).toBe(author.documentId);
    expect(await authorOf(theirs.documentId)).toBeNull();
  });
});
