import { readInline, writeInline, type InlineNode } from './inline-markup';

/**
 * Strapi's blocks format (the `blocks` attribute type) as the block editor sees it: one row per block,
 * its inline content (bold, italic, underline, strikethrough, code, links) written as light markup
 * (see inline-markup.ts), code blocks as their raw text. Only values that come back unchanged from that
 * view are edited this way; anything else (images, nested lists, unknown node types or attributes) is
 * edited as JSON, so nothing is lost by a round trip through the editor.
 */
export type SimpleKind =
  'paragraph' | 'heading' | 'quote' | 'code' | 'list-unordered' | 'list-ordered' | 'image';

export interface SimpleBlock {
  readonly kind: SimpleKind;
  /** Heading level 1–6. */
  readonly level?: number;
  /** The block's markup; for lists, one item per line; for code, the code itself; empty for an image. */
  readonly text: string;
  /** An image block's file, as Strapi embeds it (the media library's file object). */
  readonly image?: Readonly<Record<string, unknown>>;
}

type Node = {
  type: string;
  text?: string;
  children?: Node[];
  level?: number;
  format?: string;
  image?: Readonly<Record<string, unknown>>;
};

/** The simple view of a blocks value, or null when it holds something only JSON can show. */
export function toSimpleBlocks(value: unknown): SimpleBlock[] | null {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) return null;
  const out: SimpleBlock[] = [];
  for (const block of value as Node[]) {
    const simple = simpleBlock(block);
    if (!simple) return null;
    out.push(simple);
  }
  // The view must give the value back exactly (key order aside), or it would lose something.
  return canonical(fromSimpleBlocks(out)) === canonical(value) ? out : null;
}

function simpleBlock(block: Node): SimpleBlock | null {
  if (typeof block !== 'object' || block === null) return null;
  const children = Array.isArray(block.children) ? block.children : null;
  if (!children) return null;
  switch (block.type) {
    case 'list': {
      const items = children.map((item) => (item?.type === 'list-item' ? markupOf(item.children) : null));
      if (items.some((item) => item === null || item.includes('\n'))) return null;
      return { kind: block.format === 'ordered' ? 'list-ordered' : 'list-unordered', text: items.join('\n') };
    }
    case 'image':
      return block.image && typeof block.image === 'object'
        ? { kind: 'image', text: '', image: block.image }
        : null;
    case 'code':
      return { kind: 'code', text: children.map((child) => String(child?.text ?? '')).join('') };
    case 'heading': {
      const text = markupOf(children);
      return text === null ? null : { kind: 'heading', level: block.level ?? 2, text };
    }
    case 'paragraph':
    case 'quote': {
      const text = markupOf(children);
      return text === null ? null : { kind: block.type, text };
    }
    default:
      return null;
  }
}

/** The markup of a block's children, or null when they are not text and links the markup can hold. */
function markupOf(children: unknown): string | null {
  if (!Array.isArray(children)) return null;
  const isText = (node: Node) => node?.type === 'text' && typeof node.text === 'string';
  const fits = (children as Node[]).every(
    (node) =>
      isText(node) ||
      (node?.type === 'link' &&
        typeof (node as { url?: unknown }).url === 'string' &&
        Array.isArray(node.children) &&
        node.children.every(isText)),
  );
  return fits ? writeInline(children as InlineNode[]) : null;
}

/** The blocks value of the simple view. */
export function fromSimpleBlocks(blocks: readonly SimpleBlock[]): Node[] {
  // An image block whose file is not chosen yet is not part of the value.
  return blocks
    .filter((b) => b.kind !== 'image' || b.image)
    .map((b) => {
      if (b.kind === 'image')
        return { type: 'image', image: b.image, children: [{ type: 'text', text: '' }] };
      if (b.kind === 'list-ordered' || b.kind === 'list-unordered')
        return {
          type: 'list',
          format: b.kind === 'list-ordered' ? 'ordered' : 'unordered',
          children: b.text.split('\n').map((line) => ({ type: 'list-item', children: nodes(line) })),
        };
      if (b.kind === 'code') return { type: 'code', children: [{ type: 'text', text: b.text }] };
      if (b.kind === 'heading') return { type: 'heading', level: b.level ?? 2, children: nodes(b.text) };
      return { type: b.kind, children: nodes(b.text) };
    });
}

const nodes = (markup: string): Node[] => readInline(markup) as unknown as Node[];

/** JSON with object keys sorted: equal for values that differ only in key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
