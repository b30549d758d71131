import { strapi } from '@strapi/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { png, uploadsFolder } from './helpers.js';

/** The official SDK's files manager against a listening node: what a Strapi frontend does, unchanged. */
describeEachDatabase('@strapi/client files manager', (kind) => {
  let node: TestNode;
  let client: ReturnType<typeof strapi>;
  beforeAll(async () => {
    node = await startTestNode({
      kind,
      app: 'media',
      config: { server: { port: 0, host: '127.0.0.1' }, upload: { local: { folder: uploadsFolder() } } },
    });
    const url = await node.node.listen();
    client = strapi({ baseURL: `${url}/api`, auth: node.fullAccess.slice('Bearer '.length) });
  });
  afterAll(() => node?.close());

  it('uploads, finds, updates, attaches and deletes', async () => {
    const [file] = await client.files.upload(await png(640, 480), {
      filename: 'sdk.png',
      mimetype: 'image/png',
      fileInfo: { alternativeText: 'from the SDK' },
    });
    expect(file).toMatchObject({
      name: 'sdk.png',
      alternativeText: 'from the SDK',
      width: 640,
      mime: 'image/png',
    });
    expect(Object.keys(file.formats).sort()).toEqual(['small', 'thumbnail']);

    const blob = await client.files.upload(new Blob(['just text'], { type: 'text/plain' }));
    expect(blob[0]).toMatchObject({ mime: 'text/plain', formats: null });

    const listed = await client.files.find({ filters: { mime: { $eq: 'image/png' } }, sort: 'id:desc' });
    expect(listed.map((f) => f.id)).toEqual([file.id]);
    expect(await client.files.findOne(file.id)).toMatchObject({ id: file.id, hash: file.hash });

    const updated = await client.files.update(file.id, { caption: 'captioned', name: 'renamed.png' });
    expect(updated).toMatchObject({
      id: file.id,
      caption: 'captioned',
      name: 'renamed.png',
      hash: file.hash,
    });

    const articles = client.collection('articles');
    const created = await articles.create({ title: 'SDK', cover: file.id, gallery: [file.id, blob[0].id] });
    const read = await articles.findOne(created.data.documentId, { populate: ['cover', 'gallery'] });
    expect(read.data.cover).toMatchObject({ id: file.id, caption: 'captioned' });
    expect((read.data.gallery as { id: number }[]).map((f) => f.id)).toEqual([file.id, blob[0].id]);

    const deleted = await client.files.delete(file.id);
    expect(deleted).toMatchObject({ id: file.id, hash: file.hash });
    await expect(client.files.findOne(file.id)).rejects.toMatchObject({ name: 'FileNotFoundError' });
  });
});
