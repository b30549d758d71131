import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readInline, writeInline, type InlineNode, type TextNode } from './inline-markup';

const text = (value: string, marks: Partial<TextNode> = {}): TextNode => ({
  type: 'text',
  text: value,
  ...marks,
});

describe('inline markup of the block editor', () => {
  it('writes marks and links as light markup and reads them back', () => {
    const nodes: InlineNode[] = [
      text('Read '),
      text('this', { bold: true }),
      text(' and '),
      { type: 'link', url: 'https://strapi.io/docs_(v5)', children: [text('that', { italic: true })] },
      text(', '),
      text('gone', { strikethrough: true }),
      text(' '),
      text('under', { underline: true }),
      text(' '),
      text('npm test', { code: true }),
    ];
    const markup = writeInline(nodes);
    expect(markup).toBe(
      'Read **this** and [__that__](https://strapi.io/docs_(v5\\)), ~~gone~~ <u>under</u> `npm test`',
    );
    expect(readInline(markup)).toEqual(nodes);
  });

  it('escapes text that looks like markup, so it stays text', () => {
    const nodes = [text('C++ **not bold** snake_case [x](y) `z` <u> \\ ~~'), text('*edge*', { bold: true })];
    expect(readInline(writeInline(nodes))).toEqual(nodes);
  });

  it('reads what people type leniently: a marker without its partner is text', () => {
    expect(readInline('a * b')).toEqual([text('a * b')]);
    expect(readInline('unclosed **bold')).toEqual([text('unclosed **bold')]);
    expect(readInline('[not a link')).toEqual([text('[not a link')]);
    expect(readInline('x](y)')).toEqual([text('x](y)')]);
    expect(readInline('<u>under</u> and <u>open')).toEqual([
      text('under', { underline: true }),
      text(' and <u>open'),
    ]);
    expect(readInline('')).toEqual([text('')]);
    expect(readInline('[](https://x)')).toEqual([{ type: 'link', url: 'https://x', children: [text('')] }]);
  });

  const marks = fc.record(
    {
      bold: fc.constant(true as const),
      italic: fc.constant(true as const),
      underline: fc.constant(true as const),
      strikethrough: fc.constant(true as const),
      code: fc.constant(true as const),
    },
    { requiredKeys: [] },
  );
  // Characters that matter to the markup, mixed with ordinary ones.
  const piece = fc.string({
    unit: fc.constantFrom(
      'a',
      'b',
      ' ',
      '*',
      '_',
      '~',
      '`',
      '[',
      ']',
      '(',
      ')',
      '<',
      '>',
      'u',
      '/',
      '\\',
      'é',
    ),
    minLength: 1,
    maxLength: 8,
  });
  const textNode = fc.tuple(piece, marks).map(([value, m]) => text(value, m));
  const node: fc.Arbitrary<InlineNode> = fc.oneof(
    { weight: 4, arbitrary: textNode },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.string({ maxLength: 12 }), fc.array(textNode, { minLength: 1, maxLength: 3 }))
        .map(([url, children]) => ({
          type: 'link' as const,
          url,
          children: normalize(children) as TextNode[],
        })),
    },
  );

  /** What the reader produces: neighbouring texts with the same marks merged. */
  function normalize(nodes: InlineNode[]): InlineNode[] {
    const out: InlineNode[] = [];
    for (const n of nodes) {
      const last = out.at(-1);
      if (
        n.type === 'text' &&
        last?.type === 'text' &&
        JSON.stringify({ ...last, text: '' }) === JSON.stringify({ ...n, text: '' })
      )
        out[out.length - 1] = { ...last, text: last.text + n.text };
      else out.push(n);
    }
    return out;
  }

  it('gives back any inline content it wrote (property)', () => {
    fc.assert(
      fc.property(fc.array(node, { minLength: 1, maxLength: 6 }), (nodes) => {
        const expected = normalize(nodes);
        expect(readInline(writeInline(expected))).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads any typed text without throwing, and what it read survives a round trip (property)', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('a', ' ', '*', '_', '~', '`', '[', ']', '(', ')', '<', 'u', '>', '/', '\\'),
        }),
        (typed) => {
          const nodes = readInline(typed);
          expect(readInline(writeInline(nodes))).toEqual(nodes);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
