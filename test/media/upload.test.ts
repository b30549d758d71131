import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { jpeg, png, storedCounts, upload, uploadsFolder } from './helpers.js';

describeEachDatabase('upload routes', (kind) => {
  let node: TestNode;
  let folder: string;
  beforeAll(async () => {
    folder = uploadsFolder();
    node = await startTestNode({ kind, app: 'media', config: { upload: { local: { folder } } } });
  });
  afterAll(() => node?.close());

  it('uploads an image: 201 array of Strapi file objects with formats smaller than the original', async () => {
    const res = await upload(node, [
      { filename: 'Basque Café.jpeg', type: 'image/jpeg', data: await jpeg(1200, 800) },
    ]);
    expect(res.status).toBe(201);
    const [file] = res.json();
    expect(file).toMatchObject({
      id: expect.any(Number),
      documentId: expect.any(String),
      name: 'Basque Café.jpeg',
      alternativeText: null,
      caption: null,
      width: 1200,
      height: 800,
      ext: '.jpeg',
      mime: 'image/jpeg',
      size: expect.any(Number),
      previewUrl: null,
      provider: kind === 'postgres' ? 'database' : 'local',
      provider_metadata: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(file.hash).toMatch(/^basque_cafe_[0-9a-f]{10}$/);
    expect(file.url).toBe(`/uploads/${file.hash}.jpeg`);
    expect(file).not.toHaveProperty('folderPath');
    expect(Object.keys(file.formats).sort()).toEqual(['large', 'medium', 'small', 'thumbnail']);
    expect(file.formats.thumbnail).toMatchObject({
      name: 'thumbnail_Basque Café.jpeg',
      hash: `thumbnail_${file.hash}`,
      ext: '.jpeg',
      mime: 'image/jpeg',
      path: null,
      width: 234,
      height: 156,
      url: `/uploads/thumbnail_${file.hash}.jpeg`,
    });
    expect(file.formats.large).toMatchObject({ width: 1000, height: 667 });
    expect(file.formats.small).toMatchObject({ width: 500, height: 333 });
    expect(file.formats.small.sizeInBytes).toBeGreaterThan(0);
    expect(file.formats.small.size).toBeCloseTo(file.formats.small.sizeInBytes / 1000, 2);

    const served = await node.request({ url: file.formats.medium.url, auth: 'none' });
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('image/jpeg');
  });

  it('makes only the formats smaller than the original; non-images have formats null', async () => {
    const res = await upload(node, [
      { filename: 'small.png', type: 'image/png', data: await png(600, 300) },
      { filename: 'notes.txt', type: 'text/plain', data: 'hello, world\n' },
    ]);
    expect(res.status).toBe(201);
    const [image, text] = res.json();
    expect(Object.keys(image.formats).sort()).toEqual(['small', 'thumbnail']);
    expect(text).toMatchObject({ mime: 'text/plain', ext: '.txt', formats: null, width: null, height: null });
    expect(text.size).toBe(0.01);
  });

  it('takes fileInfo (one object, or an array for several files)', async () => {
    const one = await upload(node, [{ filename: 'a.png', data: await png(10, 10) }], {
      fileInfo: JSON.stringify({ name: 'renamed.png', alternativeText: 'alt', caption: 'cap' }),
    });
    expect(one.status).toBe(201);
    expect(one.json()[0]).toMatchObject({ name: 'renamed.png', alternativeText: 'alt', caption: 'cap' });
    const many = await upload(
      node,
      [
        { filename: 'a.png', data: await png(10, 10) },
        { filename: 'b.png', data: await png(10, 10) },
      ],
      { fileInfo: JSON.stringify([{ caption: 'first' }, { caption: 'second' }]) },
    );
    expect(many.json().map((f: { caption: string }) => f.caption)).toEqual(['first', 'second']);
  });

  it('lists, filters, sorts and finds files; bare JSON; 404 file.notFound', async () => {
    const list = await node.request({ url: '/api/upload/files?filters[mime][$eq]=image/png&sort=id:desc' });
    expect(list.status).toBe(200);
    const files = list.json();
    expect(Array.isArray(files)).toBe(true);
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files.every((f: { mime: string }) => f.mime === 'image/png')).toBe(true);
    expect(files[0].id).toBeGreaterThan(files[1].id);
    const paged = await node.request({ url: '/api/upload/files?pagination[pageSize]=1' });
    expect(paged.json()).toHaveLength(1);
    const one = await node.request({ url: `/api/upload/files/${files[0].id}` });
    expect(one.json()).toMatchObject({ id: files[0].id, hash: files[0].hash });
    const missing = await node.request({ url: '/api/upload/files/999999' });
    expect(missing.status).toBe(404);
    expect(missing.json().error).toMatchObject({
      status: 404,
      name: 'NotFoundError',
      message: 'file.notFound',
    });
    expect((await node.request({ url: '/api/upload/files/abc' })).status).toBe(404);
    const bad = await node.request({ url: '/api/upload/files?filters[nope][$eq]=1' });
    expect(bad.status).toBe(400);
  });

  it('updates info with ?id=, and replaces the bytes under a new hash', async () => {
    const [file] = (await upload(node, [{ filename: 'old.png', data: await png(300, 300) }])).json();
    const info = await upload(
      node,
      [],
      { fileInfo: JSON.stringify({ alternativeText: 'new alt' }) },
      {
        url: `/api/upload?id=${file.id}`,
      },
    );
    expect(info.status).toBe(200);
    expect(info.json()).toMatchObject({ id: file.id, alternativeText: 'new alt', hash: file.hash });

    const replaced = await upload(
      node,
      [{ filename: 'new.jpg', data: await jpeg(100, 50) }],
      {},
      {
        url: `/api/upload?id=${file.id}`,
      },
    );
    expect(replaced.status).toBe(200);
    const after = replaced.json();
    expect(after).toMatchObject({
      id: file.id,
      documentId: file.documentId,
      name: 'new.jpg',
      mime: 'image/jpeg',
      width: 100,
      alternativeText: 'new alt',
    });
    expect(after.hash).not.toBe(file.hash);
    expect((await node.request({ url: file.url, auth: 'none' })).status).toBe(404);
    expect((await node.request({ url: file.formats.thumbnail.url, auth: 'none' })).status).toBe(404);
    expect((await node.request({ url: after.url, auth: 'none' })).status).toBe(200);
    const missing = await upload(node, [], { fileInfo: '{}' }, { url: '/api/upload?id=999999' });
    expect(missing.status).toBe(404);
  });

  it('deletes: 200 with the deleted file object, bytes and formats gone', async () => {
    const [file] = (await upload(node, [{ filename: 'gone.png', data: await png(400, 400) }])).json();
    const before = await storedCounts(node);
    const res = await node.request({ method: 'DELETE', url: `/api/upload/files/${file.id}` });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ id: file.id, documentId: file.documentId, hash: file.hash });
    expect((await node.request({ url: file.url, auth: 'none' })).status).toBe(404);
    expect((await node.request({ url: file.formats.thumbnail.url, auth: 'none' })).status).toBe(404);
    const after = await storedCounts(node);
    expect(after.files).toBe(before.files - 1);
    if (kind === 'postgres') expect(after.objects).toBe(before.objects - 2);
    else expect(readdirSync(folder).some((name) => name.includes(file.hash))).toBe(false);
    expect((await node.request({ method: 'DELETE', url: `/api/upload/files/${file.id}` })).status).toBe(404);
  });

  it("writes media.create, media.update and media.delete to the outbox with Strapi's payload", async () => {
    const [file] = (await upload(node, [{ filename: 'event.png', data: await png(20, 20) }])).json();
    await upload(
      node,
      [],
      { fileInfo: JSON.stringify({ caption: 'c' }) },
      { url: `/api/upload?id=${file.id}` },
    );
    await node.request({ method: 'DELETE', url: `/api/upload/files/${file.id}` });
    const rows = await node.node.database.db
      .selectFrom('quorum_outbox')
      .select(['type', 'key', 'payload', 'topic'])
      .where('key', '=', `plugin::upload.file:${file.documentId}`)
      .orderBy('id')
      .execute();
    expect(rows.map((row) => row.type)).toEqual(['media.create', 'media.update', 'media.delete']);
    const payload = JSON.parse(rows[0].payload as string);
    expect(payload).toMatchObject({
      event: 'media.create',
      createdAt: expect.any(String),
      media: { id: file.id, hash: file.hash },
    });
    expect(JSON.parse(rows[1].payload as string).media.caption).toBe('c');
    expect(rows[0].topic).toBe('content');
  });
});
