import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { png, upload, uploadsFolder } from './helpers.js';

/** The fields of a populated file: Strapi's file object, nothing private. */
const FILE_KEYS = [
  'alternativeText',
  'caption',
  'createdAt',
  'documentId',
  'ext',
  'focalPoint',
  'formats',
  'hash',
  'height',
  'id',
  'mime',
  'name',
  'previewUrl',
  'provider',
  'provider_metadata',
  'publishedAt',
  'size',
  'updatedAt',
  'url',
  'width',
];

describeEachDatabase('media attributes', (kind) => {
  let node: TestNode;
  const files: { id: number; documentId: string; hash: string }[] = [];
  let article: { documentId: string; id: number };

  beforeAll(async () => {
    node = await startTestNode({
      kind,
      app: 'media',
      config: { upload: { local: { folder: uploadsFolder() } } },
    });
    const res = await upload(node, [
      { filename: 'cover.png', data: await png(800, 600) },
      { filename: 'one.png', data: await png(100, 100) },
      { filename: 'two.png', data: await png(100, 100) },
      { filename: 'share.png', data: await png(300, 300) },
      { filename: 'doc.txt', data: 'plain text' },
    ]);
    expect(res.status).toBe(201);
    files.push(...res.json());
    // Numeric ids (Strapi's media input) and documentIds are both accepted.
    const created = await node.request({
      method: 'POST',
      url: '/api/articles',
      body: {
        data: {
          title: 'With media',
          cover: files[0].id,
          gallery: [files[1].id, files[2].documentId],
          seo: { metaTitle: 'seo', shareImage: files[3].id },
          blocks: [
            { __component: 'shared.media', file: files[4].id },
            { __component: 'shared.slider', files: [files[2].id, files[1].id] },
          ],
        },
      },
    });
    expect(created.status).toBe(201);
    article = created.json().data;
  });
  afterAll(() => node?.close());

  it('populates single and multiple media at the top level as Strapi file objects', async () => {
    const res = await node.request({
      url: `/api/articles/${article.documentId}?populate[0]=cover&populate[1]=gallery`,
    });
    expect(res.status).toBe(200);
    const { cover, gallery } = res.json().data;
    expect(Object.keys(cover).sort()).toEqual(FILE_KEYS);
    expect(cover).toMatchObject({ id: files[0].id, hash: files[0].hash, width: 800, mime: 'image/png' });
    expect(Object.keys(cover.formats).sort()).toEqual(
      ['large', 'medium', 'small', 'thumbnail'].filter((f) => f !== 'large'),
    );
    expect(gallery.map((f: { id: number }) => f.id)).toEqual([files[1].id, files[2].id]);
  });

  it('populate=* fills media at the first level only', async () => {
    const res = await node.request({ url: `/api/articles/${article.documentId}?populate=*` });
    const data = res.json().data;
    expect(data.cover.id).toBe(files[0].id);
    expect(data.gallery).toHaveLength(2);
    expect(data.seo).toMatchObject({ metaTitle: 'seo' });
    expect(data.seo).not.toHaveProperty('shareImage');
    expect(data.blocks[0]).not.toHaveProperty('file');
  });

  it('populates media inside components and dynamic zones', async () => {
    const res = await node.request({
      url: `/api/articles/${article.documentId}?populate[seo][populate]=shareImage&populate[blocks][on][shared.media][populate]=file&populate[blocks][on][shared.slider][populate]=files`,
    });
    expect(res.status).toBe(200);
    const data = res.json().data;
    expect(data.seo.shareImage).toMatchObject({ id: files[3].id, hash: files[3].hash });
    expect(data.blocks[0]).toMatchObject({
      __component: 'shared.media',
      file: { id: files[4].id, formats: null, mime: 'text/plain' },
    });
    expect(data.blocks[1].files.map((f: { id: number }) => f.id)).toEqual([files[2].id, files[1].id]);
    const dotted = await node.request({
      url: `/api/articles/${article.documentId}?populate[0]=seo.shareImage`,
    });
    expect(dotted.json().data.seo.shareImage.id).toBe(files[3].id);
  });

  it('populates with fields and filters on the file, and filters articles on media fields', async () => {
    const picked = await node.request({
      url: `/api/articles/${article.documentId}?populate[cover][fields][0]=name&populate[cover][fields][1]=url`,
    });
    expect(Object.keys(picked.json().data.cover).sort()).toEqual(['documentId', 'id', 'name', 'url']);
    const byName = await node.request({ url: '/api/articles?filters[cover][name][$eq]=cover.png' });
    expect(byName.json().data.map((a: { documentId: string }) => a.documentId)).toEqual([article.documentId]);
    const none = await node.request({ url: '/api/articles?filters[gallery][name][$eq]=nothing.png' });
    expect(none.json().data).toEqual([]);
    const deep = await node.request({ url: '/api/articles?filters[seo][shareImage][mime][$eq]=image/png' });
    expect(deep.json().data).toHaveLength(1);
  });

  it('refuses a file id that does not exist', async () => {
    const res = await node.request({
      method: 'POST',
      url: '/api/articles',
      body: { data: { title: 'x', cover: 999999 } },
    });
    expect(res.status).toBe(400);
  });

  it('attaches uploads to an entry with ref, refId and field', async () => {
    const created = await node.request({
      method: 'POST',
      url: '/api/articles',
      body: { data: { title: 'attach' } },
    });
    const target = created.json().data;
    const cover = await upload(node, [{ filename: 'attached.png', data: await png(50, 50) }], {
      ref: 'api::article.article',
      refId: String(target.id),
      field: 'cover',
    });
    expect(cover.status).toBe(201);
    const many = await upload(
      node,
      [
        { filename: 'g1.png', data: await png(20, 20) },
        { filename: 'g2.png', data: await png(20, 20) },
      ],
      { ref: 'api::article.article', refId: target.documentId, field: 'gallery' },
    );
    expect(many.status).toBe(201);
    const read = await node.request({ url: `/api/articles/${target.documentId}?populate=*` });
    const data = read.json().data;
    expect(data.cover.id).toBe(cover.json()[0].id);
    expect(data.gallery.map((f: { name: string }) => f.name)).toEqual(['g1.png', 'g2.png']);

    for (const [fields, message] of [
      [{ ref: 'api::nope.nope', refId: '1', field: 'cover' }, /unknown content type/],
      [{ ref: 'api::article.article', refId: '1', field: 'title' }, /no media attribute/],
      [{ ref: 'api::article.article', refId: '999999', field: 'cover' }, /no api::article.article entry/],
      [{ ref: 'api::article.article', field: 'cover' }, /together/],
    ] as const) {
      const res = await upload(node, [{ filename: 'x.png', data: await png(5, 5) }], fields);
      expect(res.status).toBe(400);
      expect(res.json().error.message).toMatch(message);
    }
    const two = await upload(
      node,
      [
        { filename: 'a.png', data: await png(5, 5) },
        { filename: 'b.png', data: await png(5, 5) },
      ],
      { ref: 'api::article.article', refId: String(target.id), field: 'cover' },
    );
    expect(two.status).toBe(400);
  });

  it('deleting a file removes it from the entries that used it', async () => {
    await node.request({ method: 'DELETE', url: `/api/upload/files/${files[1].id}` });
    const res = await node.request({ url: `/api/articles/${article.documentId}?populate=gallery` });
    expect(res.json().data.gallery.map((f: { id: number }) => f.id)).toEqual([files[2].id]);
  });
});
