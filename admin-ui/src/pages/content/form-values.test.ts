import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../api/content-types';
import { PayloadErrors, slugify, toFormValues, toPayload } from './form-values';
import type { SchemaLookup } from './schema-context';

// The conversions behind the edit form's tricky editors: relations, components, dynamic zones, JSON/blocks.

const model = (
  uid: string,
  attributes: ModelInfo['definition']['attributes'],
  extra: Partial<ModelInfo> = {},
): ModelInfo => ({
  uid,
  modelType: uid.startsWith('api::') ? 'contentType' : 'component',
  kind: 'collectionType',
  editable: false,
  owner: 'file',
  definition: { info: { displayName: uid }, attributes },
  ...extra,
});

const author = model('api::author.author', { name: { type: 'string' } });
const quote = model('shared.quote', { title: { type: 'string' }, data: { type: 'json' } });
const seo = model('shared.seo', {
  metaTitle: { type: 'string' },
  tags: { type: 'relation', relation: 'oneToMany', target: 'api::author.author' },
});
const schema: SchemaLookup = {
  contentTypes: new Map([[author.uid, author]]),
  components: new Map([
    [quote.uid, quote],
    [seo.uid, seo],
  ]),
};
const article = {
  title: { type: 'string' },
  views: { type: 'integer' },
  at: { type: 'datetime' },
  content: { type: 'blocks' },
  secret: { type: 'password' },
  author: { type: 'relation', relation: 'manyToOne', target: 'api::author.author' },
  owner: { type: 'relation', relation: 'manyToOne', target: 'plugin::users-permissions.user' },
  seo: { type: 'component', component: 'shared.seo' },
  quotes: { type: 'component', component: 'shared.quote', repeatable: true },
  blocks: { type: 'dynamiczone', components: ['shared.quote'] },
  cover: { type: 'media' },
  gallery: { type: 'media', multiple: true },
} as const;

describe('edit form values', () => {
  const doc = {
    documentId: 'd1',
    title: 'Hello',
    views: null,
    at: '2026-01-02T03:04:00.000Z',
    content: [{ type: 'paragraph', children: [{ type: 'text', text: 'Hi' }] }],
    author: { documentId: 'a1', name: 'Ada' },
    owner: { documentId: 'u1', username: 'root' },
    seo: { id: 4, metaTitle: 'Meta', tags: [{ documentId: 'a2', name: 'Grace' }] },
    quotes: [{ id: 1, title: 'One', data: { x: 1 } }],
    blocks: [{ __component: 'shared.quote', id: 9, title: 'Z', data: null }],
    cover: { id: 3, name: 'cover.png' },
    gallery: [
      { id: 5, name: 'b.png' },
      { id: 4, name: 'a.png' },
    ],
  };

  it('turns a document into input values and back into the same body, relations as documentIds', () => {
    const values = toFormValues(article, doc, schema);
    expect(values.author).toEqual({ documentId: 'a1', label: 'Ada' });
    expect(values.views).toBe('');
    expect(typeof values.content).toBe('string');
    expect((values.blocks as { __key: string }[])[0].__key).toMatch(/^k\d+$/);

    const body = toPayload(article, values, schema);
    expect(body).toEqual({
      title: 'Hello',
      views: null,
      at: '2026-01-02T03:04:00.000Z',
      content: doc.content,
      author: 'a1',
      seo: { metaTitle: 'Meta', tags: { set: ['a2'] } },
      quotes: [{ title: 'One', data: { x: 1 } }],
      blocks: [{ __component: 'shared.quote', title: 'Z', data: null }],
      // Media by file id, in the field's order.
      cover: 3,
      gallery: [5, 4],
    });
    // Left alone: the password (empty: unchanged), plugin relations (read-only here).
    expect(body).not.toHaveProperty('secret');
    expect(body).not.toHaveProperty('owner');
  });

  it('keeps reordered and removed entries, and clears relations and components', () => {
    const values = toFormValues(article, doc, schema);
    values.blocks = [
      { __key: 'a', __component: 'shared.quote', title: 'B', data: '' },
      { __key: 'b', __component: 'shared.quote', title: 'A', data: '{"y":2}' },
    ];
    values.author = null;
    values.seo = null;
    values.quotes = [];
    values.cover = null;
    values.gallery = [];
    const body = toPayload(article, values, schema);
    expect(body.blocks).toEqual([
      { __component: 'shared.quote', title: 'B', data: null },
      { __component: 'shared.quote', title: 'A', data: { y: 2 } },
    ]);
    expect(body).toMatchObject({ author: null, seo: null, quotes: [], cover: null, gallery: [] });
  });

  it('reports invalid JSON at the nested field’s path, as the API would', () => {
    const values = toFormValues(article, null, schema);
    values.blocks = [{ __key: 'a', __component: 'shared.quote', title: '', data: '{ nope' }];
    values.content = '[';
    try {
      toPayload(article, values, schema);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PayloadErrors);
      expect((e as PayloadErrors).errors).toEqual({
        'blocks.0.data': 'Not valid JSON',
        content: 'Not valid JSON',
      });
    }
  });

  it('slugifies like Strapi’s uid generation', () => {
    expect(slugify('  Crème brûlée: the Recipe! ')).toBe('creme-brulee-the-recipe');
  });
});
