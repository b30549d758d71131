import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { png, upload, uploadsFolder } from '../media/helpers.js';
import { adminWithRoles, expectError, login, registerFirstAdmin, type AdminSession } from './helpers.js';

const UPLOAD = '/admin/api/upload';

describeEachDatabase('admin media library routes', (kind) => {
  let t: TestNode;
  let admin: AdminSession;
  beforeAll(async () => {
    t = await startTestNode({
      kind,
      app: 'media',
      config: { upload: { local: { folder: uploadsFolder() } } },
    });
    admin = await registerFirstAdmin(t);
  });
  afterAll(() => t?.close());

  it('uploads, lists with search and pagination, updates the info and deletes, as an admin', async () => {
    const created = await upload(
      t,
      [
        { filename: 'sunset.png', type: 'image/png', data: await png(400, 300) },
        { filename: 'notes.txt', type: 'text/plain', data: 'hello' },
      ],
      { fileInfo: JSON.stringify([{ alternativeText: 'A sunset' }, {}]) },
      { url: UPLOAD, auth: admin.auth },
    );
    expect(created.status, created.body).toBe(201);
    const [image, text] = created.json();
    expect(image).toMatchObject({ name: 'sunset.png', alternativeText: 'A sunset', mime: 'image/png' });
    expect(image.formats.thumbnail.url).toMatch(/^\/uploads\//);
    expect(text.formats).toBeNull();

    const page = await t.request({
      url: `${UPLOAD}/files?_q=sun&sort=createdAt:desc&pagination[page]=1&pagination[pageSize]=10`,
      auth: admin.auth,
    });
    expect(page.status, page.body).toBe(200);
    expect(page.json().data.map((f: { id: number }) => f.id)).toEqual([image.id]);
    expect(page.json().meta.pagination).toMatchObject({ page: 1, pageSize: 10, total: 1 });

    const updated = await t.request({
      method: 'PUT',
      url: `${UPLOAD}/files/${image.id}`,
      body: { alternativeText: 'An orange sunset', caption: 'Evening' },
      auth: admin.auth,
    });
    expect(updated.status, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({
      id: image.id,
      alternativeText: 'An orange sunset',
      caption: 'Evening',
    });
    const one = await t.request({ url: `${UPLOAD}/files/${image.id}`, auth: admin.auth });
    expect(one.json().caption).toBe('Evening');
    // The content API sees the same file: one library behind both route sets.
    expect((await t.request({ url: `/api/upload/files/${image.id}` })).json().alternativeText).toBe(
      'An orange sunset',
    );

    const bad = await t.request({
      method: 'PUT',
      url: `${UPLOAD}/files/${image.id}`,
      body: { size: 1 },
      auth: admin.auth,
    });
    expectError(bad, 400, 'ValidationError');

    const removed = await t.request({
      method: 'DELETE',
      url: `${UPLOAD}/files/${text.id}`,
      auth: admin.auth,
    });
    expect(removed.status, removed.body).toBe(200);
    expect(removed.json().id).toBe(text.id);
    expectError(await t.request({ url: `${UPLOAD}/files/${text.id}`, auth: admin.auth }), 404);
  });

  it('refuses end-user and API tokens, and admins whose role lacks the action', async () => {
    // The content API's full-access token is no admin token.
    expectError(await t.request({ url: `${UPLOAD}/files` }), 401);

    const author = await adminWithRoles(t, admin, `author-${kind}@example.com`, ['strapi-author']);
    const created = await upload(
      t,
      [{ filename: 'a.png', type: 'image/png', data: await png(20, 20) }],
      {},
      {
        url: UPLOAD,
        auth: author.auth,
      },
    );
    expect(created.status, created.body).toBe(201);
    const id = created.json()[0].id;
    expect((await t.request({ url: `${UPLOAD}/files`, auth: author.auth })).status).toBe(200);
    expectError(await t.request({ method: 'DELETE', url: `${UPLOAD}/files/${id}`, auth: author.auth }), 403);
    expectError(
      await t.request({
        method: 'PUT',
        url: `${UPLOAD}/files/${id}`,
        body: { caption: 'x' },
        auth: author.auth,
      }),
      403,
    );

    const editor = await adminWithRoles(t, admin, `editor-${kind}@example.com`, ['strapi-editor']);
    const removed = await t.request({ method: 'DELETE', url: `${UPLOAD}/files/${id}`, auth: editor.auth });
    expect(removed.status, removed.body).toBe(200);

    // A role that may browse the library and nothing more.
    const role = await t.request({
      method: 'POST',
      url: '/admin/api/roles',
      body: { name: `Viewers ${kind}` },
      auth: admin.auth,
    });
    expect(role.status, role.body).toBe(201);
    const roleId = role.json().data.id;
    const granted = await t.request({
      method: 'PUT',
      url: `/admin/api/roles/${roleId}/permissions`,
      body: { permissions: [{ action: 'plugin::upload.read' }] },
      auth: admin.auth,
    });
    expect(granted.status, granted.body).toBe(200);
    const viewer = await t.request({
      method: 'POST',
      url: '/admin/api/users',
      body: { email: `viewer-${kind}@example.com`, password: 'password123', firstname: 'V', roles: [roleId] },
      auth: admin.auth,
    });
    expect(viewer.status, viewer.body).toBe(201);
    const session = await login(t, `viewer-${kind}@example.com`, 'password123');
    expect((await t.request({ url: `${UPLOAD}/files`, auth: session.auth })).status).toBe(200);
    const denied = await upload(
      t,
      [{ filename: 'b.png', type: 'image/png', data: await png(20, 20) }],
      {},
      {
        url: UPLOAD,
        auth: session.auth,
      },
    );
    expectError(denied, 403);
  });
});
