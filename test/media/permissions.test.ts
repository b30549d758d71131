import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import type { TestNode } from '../helpers/node.js';
import { register, startNodeWithPermissions } from '../helpers/users-permissions.js';
import { png, storedCounts, upload, uploadsFolder } from './helpers.js';

const UPLOAD = 'plugin::upload.content-api.upload';
const FIND = 'plugin::upload.content-api.find';
const FIND_ONE = 'plugin::upload.content-api.findOne';
const DESTROY = 'plugin::upload.content-api.destroy';

describeEachDatabase('upload permissions', (kind) => {
  let node: TestNode;
  let fileId: number;
  beforeAll(async () => {
    node = await startNodeWithPermissions({
      kind,
      app: 'media',
      config: { upload: { local: { folder: uploadsFolder() } } },
      permissions: {
        roles: {
          // Public may read articles, but nothing of the media library.
          public: { permissions: ['api::article.article.find', 'plugin::users-permissions.auth.register'] },
          authenticated: { permissions: [UPLOAD, FIND, FIND_ONE, 'api::article.article.find'] },
        },
      },
    });
    const [file] = (await upload(node, [{ filename: 'seed.png', data: await png(10, 10) }])).json();
    fileId = file.id;
  });
  afterAll(() => node?.close());

  it('denies every upload route to Public by default, and stores nothing', async () => {
    const before = await storedCounts(node);
    const res = await upload(node, [{ filename: 'p.png', data: await png(5, 5) }], {}, { auth: 'none' });
    expect(res.status).toBe(403);
    expect(res.json().error.name).toBe('ForbiddenError');
    expect(await storedCounts(node)).toEqual(before);
    for (const [method, url] of [
      ['GET', '/api/upload/files'],
      ['GET', `/api/upload/files/${fileId}`],
      ['DELETE', `/api/upload/files/${fileId}`],
    ] as const)
      expect((await node.request({ method, url, auth: 'none' })).status, url).toBe(403);
  });

  it('lets a role do what it is granted, and no more', async () => {
    const { auth } = await register(node, {
      username: 'ada',
      email: 'ada@example.com',
      password: 'secret123',
    });
    const res = await upload(node, [{ filename: 'u.png', data: await png(5, 5) }], {}, { auth });
    expect(res.status).toBe(201);
    expect((await node.request({ url: '/api/upload/files', auth })).status).toBe(200);
    expect((await node.request({ url: `/api/upload/files/${fileId}`, auth })).status).toBe(200);
    expect((await node.request({ method: 'DELETE', url: `/api/upload/files/${fileId}`, auth })).status).toBe(
      403,
    );
    // Attaching to an entry also needs the right to update it.
    const attach = await upload(
      node,
      [{ filename: 'a.png', data: await png(5, 5) }],
      { ref: 'api::article.article', refId: '1', field: 'cover' },
      { auth },
    );
    expect(attach.status).toBe(403);
  });

  it('read-only tokens may list and read files but not upload or delete', async () => {
    expect((await node.request({ url: '/api/upload/files', auth: 'read' })).status).toBe(200);
    expect(
      (await upload(node, [{ filename: 'r.png', data: await png(5, 5) }], {}, { auth: node.readOnly }))
        .status,
    ).toBe(403);
    expect(
      (await node.request({ method: 'DELETE', url: `/api/upload/files/${fileId}`, auth: 'read' })).status,
    ).toBe(403);
  });

  it('custom tokens get exactly the upload actions they list', async () => {
    const { token } = await node.node.tokens.create({
      name: 'uploader',
      type: 'custom',
      permissions: [UPLOAD, DESTROY],
    });
    const auth = `Bearer ${token}`;
    const [file] = (await upload(node, [{ filename: 'c.png', data: await png(5, 5) }], {}, { auth })).json();
    expect((await node.request({ url: '/api/upload/files', auth })).status).toBe(403);
    expect((await node.request({ method: 'DELETE', url: `/api/upload/files/${file.id}`, auth })).status).toBe(
      200,
    );
  });

  it('upload actions are in the catalogue roles are granted from', async () => {
    const res = await node.request({ url: '/api/users-permissions/permissions' });
    expect(res.status).toBe(200);
    const tree = res.json().permissions;
    expect(Object.keys(tree['plugin::upload'].controllers['content-api'])).toEqual([
      'upload',
      'find',
      'findOne',
      'destroy',
    ]);
    // The file type itself is not a content-API type (its routes are the upload routes).
    expect(tree['plugin::upload'].controllers.file).toBeUndefined();
    expect((await node.request({ url: '/api/files' })).status).toBe(404);
  });
});
