import { describe, expect, it } from 'vitest';
import type { SqlDialect } from '../../db/dialect.js';
import { buildSchema } from '../../core/schema/build.js';
import { mediaSchemas } from '../../media/schema.js';
import { EntityRows } from './entity-rows.js';
import { LinkRows } from './link-rows.js';
import { LocaleFilter, MemoryRowIndex } from './row-index.js';

const schema = buildSchema(
  [
    ...mediaSchemas().map((file) => ({
      uid: file.uid,
      modelType: file.modelType,
      definition: file.definition,
      source: { owner: 'file' as const, path: file.path },
    })),
    {
      uid: 'api::post.post',
      modelType: 'contentType',
      source: { owner: 'file', path: 'post.json' },
      definition: {
        kind: 'collectionType',
        collectionName: 'posts',
        info: { singularName: 'post', pluralName: 'posts', displayName: 'Post' },
        options: { draftAndPublish: true },
        attributes: {
          title: { type: 'string' },
          views: { type: 'integer' },
          seo: { type: 'component', component: 'shared.seo' },
          blocks: { type: 'dynamiczone', components: ['shared.seo', 'shared.quote'] },
          related: { type: 'relation', relation: 'manyToMany', target: 'api::post.post' },
          cover: { type: 'media', multiple: false },
        },
      },
    },
    {
      uid: 'shared.seo',
      modelType: 'component',
      source: { owner: 'file', path: 'seo.json' },
      definition: {
        collectionName: 'components_shared_seos',
        info: { displayName: 'Seo' },
        attributes: { metaTitle: { type: 'string' }, image: { type: 'media' } },
      },
    },
    {
      uid: 'shared.quote',
      modelType: 'component',
      source: { owner: 'file', path: 'quote.json' },
      definition: {
        collectionName: 'components_shared_quotes',
        info: { displayName: 'Quote' },
        attributes: { text: { type: 'text' } },
      },
    },
  ],
  1,
);

// Values as the driver gets them do not matter here: the identity keeps them readable.
const dialect = { toDb: (_storage: string, value: unknown) => value } as unknown as SqlDialect;
const files = { url: (key: string) => `/uploads/${key}`, provider: 'database' };
const at = { file: 'entities/entities_00001.jsonl', line: 3 };
const post = schema.contentTypes.get('api::post.post')!;

describe('entity lines to rows', () => {
  it("keeps Strapi's row ids and documentId, and writes components and dynamic-zone entries under their parent", () => {
    const rows = new EntityRows(schema, dialect, files).rows(
      post,
      {
        type: post.uid,
        id: 7,
        data: {
          documentId: 'doc7',
          title: 'Hello',
          views: '12',
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt: '2026-01-02T00:00:00Z',
          publishedAt: null,
          locale: null,
          seo: { id: 3, metaTitle: 'Meta' },
          blocks: [
            { id: 9, __component: 'shared.quote', text: 'Q' },
            { id: 4, __component: 'shared.seo', metaTitle: 'In zone' },
          ],
          secretOfStrapi: 'x',
        },
      },
      at,
    );
    expect(rows.map((r) => [r.table, r.values])).toEqual([
      [
        'posts',
        {
          id: 7,
          document_id: 'doc7',
          created_at: '2026-01-01T00:00:00.000Z',
          updated_at: '2026-01-02T00:00:00.000Z',
          published_at: null,
          title: 'Hello',
          views: 12,
        },
      ],
      [
        'components_shared_seos',
        { id: 3, parent_type: post.uid, parent_id: 7, field: 'seo', ord: 0, meta_title: 'Meta' },
      ],
      [
        'components_shared_quotes',
        { id: 9, parent_type: post.uid, parent_id: 7, field: 'blocks', ord: 0, text: 'Q' },
      ],
      [
        'components_shared_seos',
        { id: 4, parent_type: post.uid, parent_id: 7, field: 'blocks', ord: 1, meta_title: 'In zone' },
      ],
    ]);
  });

  it('reports data the app does not define, and refuses values and entries it cannot store, naming the line', () => {
    const mapper = new EntityRows(schema, dialect, files);
    mapper.rows(post, { type: post.uid, id: 1, data: { documentId: 'd', secretOfStrapi: 'x' } }, at);
    expect([...mapper.ignoredKeys.get(post.uid)!]).toEqual(['secretOfStrapi']);
    expect(() =>
      mapper.rows(post, { type: post.uid, id: 2, data: { documentId: 'd', views: 'many' } }, at),
    ).toThrow(/^entities\/entities_00001\.jsonl:3: api::post\.post row 2: views must be an integer/);
    expect(() =>
      mapper.rows(
        post,
        { type: post.uid, id: 2, data: { documentId: 'd', blocks: [{ id: 1, __component: 'x.y' }] } },
        at,
      ),
    ).toThrow(/blocks\[0\] is a x\.y, which the dynamic zone does not allow/);
    expect(() => mapper.rows(post, { type: post.uid, id: 2, data: {} }, at)).toThrow(/documentId is missing/);
  });

  it("gives files the configured storage's urls and provider, formats included", () => {
    const file = schema.contentTypes.get('plugin::upload.file')!;
    const [row] = new EntityRows(schema, dialect, files).rows(
      file,
      {
        type: file.uid,
        id: 1,
        data: {
          documentId: 'f1',
          name: 'cat.png',
          hash: 'cat_1',
          ext: '.png',
          mime: 'image/png',
          size: 1.5,
          url: 'https://cdn.example/cat_1.png',
          provider: 'aws-s3',
          formats: {
            thumbnail: { hash: 'thumbnail_cat_1', ext: '.png', url: 'https://cdn.example/t.png', size: 0.1 },
          },
          publishedAt: '2026-01-01T00:00:00.000Z',
        },
      },
      at,
    );
    expect(row.values.url).toBe('/uploads/cat_1.png');
    expect(row.values.provider).toBe('database');
    expect(row.values.formats).toEqual({
      thumbnail: { hash: 'thumbnail_cat_1', ext: '.png', url: '/uploads/thumbnail_cat_1.png', size: 0.1 },
    });
  });
});

describe('link lines to link rows', () => {
  const index = new MemoryRowIndex();
  index.addDocumentRow('api::post.post', 1, 'doc1');
  index.addDocumentRow('api::post.post', 2, 'doc2');
  index.addDocumentRow('plugin::upload.file', 5, 'file5');
  index.addComponentRow('shared.seo', 3);
  const links = new LinkRows(schema, index);

  it('links an owner row to the target row’s document, with both positions', () => {
    expect(
      links.resolve(
        {
          kind: 'relation.circular',
          relation: 'manyToMany',
          left: { type: 'api::post.post', field: 'related', ref: 1, pos: 2.5 },
          right: { type: 'api::post.post', ref: 2, pos: 1 },
        },
        at,
      ),
    ).toEqual({
      table: 'posts_related_lnk',
      sourceId: 1,
      targetDocumentId: 'doc2',
      sourcePos: 2.5,
      targetPos: 1,
    });
  });

  it('turns media morphs (file → holder) into links of the media attribute, components included', () => {
    const morph = (right: { type: string; ref: number; field: string; pos?: number }) =>
      links.resolve(
        {
          kind: 'relation.morph',
          relation: 'morphToMany',
          left: { type: 'plugin::upload.file', field: 'related', ref: 5 },
          right,
        },
        at,
      );
    expect(morph({ type: 'api::post.post', ref: 2, field: 'cover', pos: 1 })).toEqual({
      table: 'posts_cover_lnk',
      sourceId: 2,
      targetDocumentId: 'file5',
      sourcePos: 1,
      targetPos: null,
    });
    expect(morph({ type: 'shared.seo', ref: 3, field: 'image', pos: 1 })).toMatchObject({
      table: 'components_shared_seos_image_lnk',
      sourceId: 3,
    });
  });

  it('skips, with a reason, what Quorum does not store', () => {
    const basic = (left: object, right: object) =>
      links.resolve({ kind: 'relation.basic', relation: 'manyToOne', left, right } as never, at);
    expect(
      basic(
        { type: 'api::post.post', field: 'localizations', ref: 1 },
        { type: 'api::post.post', ref: 'doc1' },
      ),
    ).toBe('localizations (i18n, not served)');
    expect(
      basic({ type: 'api::post.post', field: 'createdBy', ref: 1 }, { type: 'admin::user', ref: 1 }),
    ).toBe('attribute not in the app');
    expect(
      basic({ type: 'api::post.post', field: 'related', ref: 99 }, { type: 'api::post.post', ref: 1 }),
    ).toBe('owner row not imported');
    expect(
      basic({ type: 'api::post.post', field: 'related', ref: 1 }, { type: 'api::post.post', ref: 99 }),
    ).toBe('target row not imported');
    expect(() =>
      basic({ type: 'api::post.post', field: 'related' }, { type: 'api::post.post', ref: 1 }),
    ).toThrow(/entities_00001\.jsonl:3: a link names rows by numeric ref/);
  });
});

describe('locales', () => {
  it('takes the first locale of each document version and counts the others as skipped', () => {
    const filter = new LocaleFilter();
    expect(filter.skips('t', 'd1', false, 'en')).toBe(false);
    expect(filter.skips('t', 'd1', true, 'en')).toBe(false);
    expect(filter.skips('t', 'd1', false, 'fr')).toBe(true);
    expect(filter.skips('t', 'd2', false, null)).toBe(false);
    expect(filter.skips('t', 'd2', false, null)).toBe(false);
    expect(filter.skipped).toBe(1);
  });
});
