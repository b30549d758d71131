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

  it('refuses what it cannot show without loss (links, mixed inline styles, images), so JSON edits it', () => {
    const link = { type: 'link', url: 'https://x', children: [{ type: 'text', text: 'x' }] };
    expect(
      toSimpleBlocks([{ type: 'paragraph', children: [{ type: 'text', text: 'a ' }, link] }]),
    ).toBeNull();
    expect(
      toSimpleBlocks([
        {
          type: 'paragraph',
          children: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b', bold: true },
          ],
        },
      ]),
    ).toBeNull();
    expect(toSimpleBlocks([{ type: 'image', image: { url: '/x.png' }, children: [] }])).toBeNull();
    expect(toSimpleBlocks({ not: 'an array' })).toBeNull();
    expect(toSimpleBlocks(null)).toEqual([]);
  });
});
