import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { adminWithRoles, expectError, registerFirstAdmin, roleId, type AdminSession } from './helpers.js';

const ARTICLES = '/admin/api/content-manager/collection-types/api::article.article';
const SCHEDULE = '/admin/api/scheduled-actions';
/** Far enough ahead that the node's leader never carries these out during the suite. */
const LATER = '2100-01-01T00:00:00.000Z';

interface ActionView {
  id: number;
  documentId: string;
  status: string;
  error: string | null;
  createdBy: number | null;
}

describeEachDatabase('content manager for an Author (own documents only)', (kind) => {
  let t: TestNode;
  let root: AdminSession;
  let author: AdminSession;
  let other: AdminSession;
  beforeAll(async () => {
    t = await startTestNode({ kind, app: 'relations' });
    root = await registerFirstAdmin(t);
    author = await adminWithRoles(t, root, 'author@example.com', ['strapi-author']);
    other = await adminWithRoles(t, root, 'other@example.com', ['strapi-author']);
  });
  afterAll(() => t.close());

  const call = (
    session: AdminSession,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
  ) => t.request({ method, url, body, auth: session.auth });

  const schedule = (session: AdminSession, documentId: string, action = 'publish', at = LATER) =>
    call(session, 'POST', SCHEDULE, { uid: 'api::article.article', documentId, action, at });
  const actions = async (session: AdminSession, query = ''): Promise<ActionView[]> => {
    const res = await call(session, 'GET', `${SCHEDULE}${query}`);
    expect(res.status, res.body).toBe(200);
    return res.json().data;
  };

  async function create(session: AdminSession, title: string): Promise<string> {
    const res = await call(session, 'POST', ARTICLES, { data: { title } });
    expect(res.status, res.body).toBe(201);
    return res.json().data.documentId as string;
  }

  it('lists and counts only the documents the Author created', async () => {
    await create(root, 'Root 1');
    await create(root, 'Root 2');
    await create(other, 'Other 1');
    await create(author, 'Mine 1');
    await create(author, 'Mine 2');

    const list = await call(author, 'GET', `${ARTICLES}?sort=title:asc&pagination[pageSize]=1`);
    expect(list.status, list.body).toBe(200);
    expect(list.json().data.map((d: { title: string }) => d.title)).toEqual(['Mine 1']);
    expect(list.json().meta.pagination).toMatchObject({ total: 2, pageCount: 2 });
    // Filters and search combine with the condition instead of widening it.
    const search = await call(author, 'GET', `${ARTICLES}?_q=1`);
    expect(search.json().data.map((d: { title: string }) => d.title)).toEqual(['Mine 1']);
    expect(search.json().meta.pagination.total).toBe(1);
    // An editor (no condition) still sees everything.
    const all = await call(root, 'GET', ARTICLES);
    expect(all.json().meta.pagination.total).toBe(5);
    // The creator column is for permission conditions only: clients cannot filter on it.
    expectError(await call(root, 'GET', `${ARTICLES}?filters[createdBy][$eq]=${author.user.id}`), 400);
  });

  it('creates, reads, edits, publishes and deletes its own documents', async () => {
    const documentId = await create(author, 'Draft');
    const read = await call(author, 'GET', `${ARTICLES}/${documentId}`);
    expect(read.status, read.body).toBe(200);
    const updated = await call(author, 'PUT', `${ARTICLES}/${documentId}`, { data: { title: 'Edited' } });
    expect(updated.status, updated.body).toBe(200);
    expect(updated.json().data.title).toBe('Edited');
    const published = await call(author, 'POST', `${ARTICLES}/${documentId}/publish`);
    expect(published.status, published.body).toBe(200);
    // Publishing keeps the document the Author's: it can still unpublish and delete it.
    expect((await call(author, 'POST', `${ARTICLES}/${documentId}/unpublish`)).status).toBe(200);
    expect((await call(author, 'DELETE', `${ARTICLES}/${documentId}`)).status).toBe(200);
    expectError(await call(author, 'GET', `${ARTICLES}/${documentId}`), 404);
  });

  it('answers 403 for documents of other admins, as Strapi’s content manager does, and changes nothing', async () => {
    const theirs = await create(other, 'Theirs');
    expectError(await call(author, 'GET', `${ARTICLES}/${theirs}`), 403, 'ForbiddenError');
    expectError(await call(author, 'PUT', `${ARTICLES}/${theirs}`, { data: { title: 'Mine now' } }), 403);
    expectError(await call(author, 'POST', `${ARTICLES}/${theirs}/publish`), 403);
    expectError(await call(author, 'DELETE', `${ARTICLES}/${theirs}`), 403);
    const bulk = await call(author, 'POST', `${ARTICLES}/actions/bulk-delete`, { documentIds: [theirs] });
    expect(bulk.json().data).toMatchObject({ count: 0, failed: [{ documentId: theirs }] });
    // A document that does not exist stays a 404.
    expectError(await call(author, 'GET', `${ARTICLES}/nope`), 404);

    const still = await call(other, 'GET', `${ARTICLES}/${theirs}`);
    expect(still.json()).toMatchObject({ data: { title: 'Theirs' }, meta: { status: 'draft' } });
  });

  it('limits single types the same way', async () => {
    const global = '/admin/api/content-manager/single-types/api::global.global';
    const put = await call(other, 'PUT', global, { data: { siteName: 'Theirs' } });
    expect(put.status, put.body).toBe(200);
    expectError(await call(author, 'GET', global), 403);
    expectError(await call(author, 'PUT', global, { data: { siteName: 'Mine' } }), 403);
    expect((await call(root, 'GET', global)).json().data.siteName).toBe('Theirs');
  });

  // Scheduled actions apply the content manager's rule for the document (http/admin-api/content-access.ts):
  // what the publish route refuses cannot be scheduled, cancelled or seen in a list either.
  it('schedules publication only of its own documents, and answers as the publish route does', async () => {
    const theirs = await create(other, 'Scheduled theirs');
    const mine = await create(author, 'Scheduled mine');
    expectError(await call(author, 'POST', `${ARTICLES}/${theirs}/unpublish`), 403, 'ForbiddenError');
    for (const action of ['publish', 'unpublish']) {
      const refused = await schedule(author, theirs, action);
      expectError(refused, 403, 'ForbiddenError');
      expect(refused.json().error.message).toBe('This document belongs to another admin');
    }
    expectError(await schedule(author, 'nope'), 404, 'NotFoundError');
    const own = await schedule(author, mine, 'unpublish');
    expect(own.status, own.body).toBe(201);
    expect(own.json().data).toMatchObject({ documentId: mine, status: 'pending', createdBy: author.user.id });
    // Nothing was scheduled on their document; an admin without the condition may schedule on it.
    expect(await actions(root, `?documentId=${theirs}`)).toEqual([]);
    expect((await schedule(root, theirs)).status).toBe(201);
  });

  it('cancels only actions on its own documents', async () => {
    const theirs = await create(other, 'Cancel theirs');
    const mine = await create(author, 'Cancel mine');
    const theirsAction: ActionView = (await schedule(other, theirs)).json().data;
    const mineAction: ActionView = (await schedule(author, mine)).json().data;

    const refused = await call(author, 'DELETE', `${SCHEDULE}/${theirsAction.id}`);
    expectError(refused, 403, 'ForbiddenError');
    expect((await actions(root, `?documentId=${theirs}`)).map((a) => a.status)).toEqual(['pending']);

    const cancelled = await call(author, 'DELETE', `${SCHEDULE}/${mineAction.id}`);
    expect(cancelled.status, cancelled.body).toBe(200);
    expect(cancelled.json().data).toMatchObject({ id: mineAction.id, status: 'cancelled' });
    // The owner may, and so may an admin without the condition.
    expect((await call(root, 'DELETE', `${SCHEDULE}/${theirsAction.id}`)).status).toBe(200);
    expectError(await call(author, 'DELETE', `${SCHEDULE}/999999`), 404);
  });

  it('lists only the actions on documents it may read', async () => {
    const theirs = await create(other, 'Listed theirs');
    const mine = await create(author, 'Listed mine');
    const roots = await create(root, 'Listed root');
    for (const [session, documentId] of [
      [other, theirs],
      [author, mine],
      [root, roots],
      // Scheduled by someone else on the Author's document: the document decides, not who scheduled.
      [root, mine],
    ] as const)
      expect((await schedule(session, documentId)).status).toBe(201);

    const ownIds = new Set(
      (await call(author, 'GET', `${ARTICLES}?pagination[pageSize]=100`))
        .json()
        .data.map((d: { documentId: string }) => d.documentId),
    );
    const seen = await actions(author);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((a) => !ownIds.has(a.documentId))).toEqual([]);
    expect(seen.filter((a) => a.documentId === mine)).toHaveLength(2);
    // Filters narrow what it may see; they never widen it.
    expect(await actions(author, `?documentId=${theirs}`)).toEqual([]);
    expect(await actions(author, `?uid=api::article.article&documentId=${roots}`)).toEqual([]);
    expect(await actions(author, `?uid=api::article.article&documentId=${mine}&status=pending`)).toHaveLength(
      2,
    );
    // An admin without the condition sees every one; the other Author only theirs.
    const all = new Set((await actions(root)).map((a) => a.documentId));
    for (const documentId of [theirs, mine, roots]) expect(all.has(documentId), documentId).toBe(true);
    const others = new Set((await actions(other)).map((a) => a.documentId));
    expect([theirs, mine, roots].filter((d) => others.has(d))).toEqual([theirs]);
  });

  it('the leader does not carry out an action whose author lost the grant before it came due', async () => {
    const leaver = await adminWithRoles(t, root, 'leaver@example.com', ['strapi-author']);
    const demoted = await adminWithRoles(t, root, 'demoted@example.com', ['strapi-editor']);
    const kept = await create(author, 'Runs when due');
    const dropped = await create(leaver, 'Does not run');
    const notTheirs = await create(other, 'Not the demoted admin’s');
    const runs: ActionView = (await schedule(author, kept)).json().data;
    const blockedAction: ActionView = (await schedule(leaver, dropped)).json().data;
    // An Editor may schedule on anyone's document…
    const demotedAction: ActionView = (await schedule(demoted, notTheirs)).json().data;
    expect(demotedAction.status).toBe('pending');
    // …while the actions wait, one account is blocked and the Editor becomes an Author.
    const blocked = await call(root, 'PUT', `/admin/api/users/${leaver.user.id}`, { blocked: true });
    expect(blocked.status, blocked.body).toBe(200);
    const authorRole = await roleId(t, root, 'strapi-author');
    const moved = await call(root, 'PUT', `/admin/api/users/${demoted.user.id}`, { roles: [authorRole] });
    expect(moved.status, moved.body).toBe(200);
    // Then they come due (moved to the past: the node's leader runs due actions at its next pass).
    const ids = [runs.id, blockedAction.id, demotedAction.id];
    await t.node.database.db
      .updateTable('quorum_scheduled_actions')
      .set({ due_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', 'in', ids)
      .execute();
    const deadline = Date.now() + 20_000;
    let done: ActionView[] = [];
    while (Date.now() < deadline) {
      done = (await actions(root)).filter((a) => ids.includes(a.id));
      if (done.every((a) => a.status !== 'pending')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const byId = new Map(done.map((a) => [a.id, a]));
    expect(byId.get(runs.id)).toMatchObject({ status: 'done', error: null });
    expect(byId.get(blockedAction.id)).toMatchObject({ status: 'failed' });
    expect(byId.get(blockedAction.id)!.error).toMatch(/may no longer publish api::article\.article/);
    expect(byId.get(demotedAction.id)).toMatchObject({ status: 'failed' });
    expect(byId.get(demotedAction.id)!.error).toMatch(/outside what the admin who scheduled it may publish/);
    const statusOf = async (documentId: string) =>
      (await call(root, 'GET', `${ARTICLES}/${documentId}`)).json().meta.status;
    expect(await statusOf(kept)).toBe('published');
    expect(await statusOf(dropped)).toBe('draft');
    expect(await statusOf(notTheirs)).toBe('draft');
  });
});
