import { describe, expect, it } from 'vitest';
import { fromSimpleBlocks, toSimpleBlocks } from './blocks';

describe('the block editor’s view of the blocks format', () => {
  const blocks = [
    { type: 'heading', level: 2, children: [{ type: 'text', text: 'Title' }] },
    { type: 'paragraph', children: [{ type: 'text', text: 'Hello' }] },
    {
      type: 'list',
      format: 'ordered',
      children: [
        { type: 'list-item', children: [{ type: 'text', text: 'one' }] },
        { type: 'list-item', children: [{ type: 'text', text: 'two' }] },
      ],
    },
    { type: 'quote', children: [{ type: 'text', text: 'Q' }] },
    { type: 'code', children: [{ type: 'text', text: 'x = 1' }] },
  ];

  it('round-trips simple blocks unchanged', () => {
    const simple = toSimpleBlocks(blocks);
    expect(simple).toEqual([
      { kind: 'heading', level: 2, text: 'Title' },
      { kind: 'paragraph', text: 'Hello' },
      { kind: 'list-ordered', text: 'one\ntwo' },
      { kind: 'quote', text: 'Q' },
      { kind: 'code', text: 'x = 1' },
    ]);
    expect(fromSimpleBlocks(simple!)).toEqual(blocks);
  });

  it('shows inline formatting and links as markup, and gives them back unchanged', () => {
    const rich = [
      {
        type: 'paragraph',
        children: [
          { type: 'text', text: 'See ', bold: true },
          { type: 'link', url: 'https://strapi.io', children: [{ type: 'text', text: 'Strapi' }] },
          { type: 'text', text: ' and ' },
          { type: 'text', text: 'this', italic: true, underline: true },
        ],
      },
      {
        type: 'list',
        format: 'unordered',
        children: [{ type: 'list-item', children: [{ type: 'text', text: 'x = 1', code: true }] }],
      },
    ];
    const simple = toSimpleBlocks(rich);
    expect(simple).toEqual([
      { kind: 'paragraph', text: '**See **[Strapi](https://strapi.io) and __<u>this</u>__' },
      { kind: 'list-unordered', text: '`x = 1`' },
    ]);
    expect(fromSimpleBlocks(simple!)).toEqual(rich);
  });

  it('shows image blocks with their embedded file, and gives them back unchanged', () => {
    const image = {
      type: 'image',
      image: { id: 3, name: 'a.png', url: '/uploads/a.png', alternativeText: 'A', formats: null },
      children: [{ type: 'text', text: '' }],
    };
    const simple = toSimpleBlocks([image]);
    expect(simple).toEqual([{ kind: 'image', text: '', image: image.image }]);
    expect(fromSimpleBlocks(simple!)).toEqual([image]);
    // An image block whose file is not chosen yet is left out of the value.
    expect(fromSimpleBlocks([{ kind: 'image', text: '' }])).toEqual([]);
  });

  it('refuses what it cannot give back unchanged (nested lists, unknown attributes), so JSON edits it', () => {
    // An image block with text in it is not what the editor writes.
    expect(
      toSimpleBlocks([{ type: 'image', image: { url: '/x.png' }, children: [{ type: 'text', text: 'x' }] }]),
    ).toBeNull();
    expect(toSimpleBlocks([{ type: 'image', children: [{ type: 'text', text: '' }] }])).toBeNull();
    const nested = {
      type: 'list',
      format: 'unordered',
      children: [{ type: 'list', format: 'ordered', children: [] }],
    };
    expect(toSimpleBlocks([nested])).toBeNull();
    expect(
      toSimpleBlocks([{ type: 'paragraph', children: [{ type: 'text', text: 'a', color: 'red' }] }]),
    ).toBeNull();
    expect(
      toSimpleBlocks([
        {
          type: 'list',
          format: 'ordered',
          children: [{ type: 'list-item', children: [{ type: 'text', text: 'a\nb' }] }],
        },
      ]),
    ).toBeNull();
    expect(toSimpleBlocks([{ type: 'paragraph', children: [{ type: 'mention', id: 1 }] }])).toBeNull();
    expect(toSimpleBlocks({ not: 'an array' })).toBeNull();
    expect(toSimpleBlocks(null)).toEqual([]);
  });
});
