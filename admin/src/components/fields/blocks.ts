/**
 * Strapi's blocks format (the `blocks` attribute type) as the simple editor sees it: one row per block,
 * its text flattened. Only documents whose blocks all fit that view are edited this way (every text a
 * single text node); anything richer (links, mixed inline formatting, images) is edited as JSON, so
 * nothing is lost by a round trip through the editor.
 */
export type SimpleKind = 'paragraph' | 'heading' | 'quote' | 'code' | 'list-unordered' | 'list-ordered';

export interface SimpleBlock {
  readonly kind: SimpleKind;
  /** Heading level 1–6. */
  readonly level?: number;
  /** The block's text; for lists, one item per line. */
  readonly text: string;
}

type Node = { type: string; text?: string; children?: Node[]; level?: number; format?: string };

const textOf = (children: Node[] | undefined): string | null =>
  children && children.length === 1 && children[0].type === 'text' && typeof children[0].text === 'string'
    ? children[0].text
    : children && children.length === 0
      ? ''
      : null;

/** The simple view of a blocks value, or null when it holds something only JSON can show. */
export function toSimpleBlocks(value: unknown): SimpleBlock[] | null {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) return null;
  const out: SimpleBlock[] = [];
  for (const block of value as Node[]) {
    if (block.type === 'list') {
      const items = (block.children ?? []).map((item) =>
        item.type === 'list-item' ? textOf(item.children) : null,
      );
      if (items.some((t) => t === null)) return null;
      out.push({
        kind: block.format === 'ordered' ? 'list-ordered' : 'list-unordered',
        text: items.join('\n'),
      });
      continue;
    }
    const text = textOf(block.children);
    if (text === null || !['paragraph', 'heading', 'quote', 'code'].includes(block.type)) return null;
    out.push({
      kind: block.type as SimpleKind,
      ...(block.type === 'heading' ? { level: block.level ?? 2 } : {}),
      text,
    });
  }
  return out;
}

const textNode = (text: string) => [{ type: 'text', text }];

/** The blocks value of the simple view. */
export function fromSimpleBlocks(blocks: readonly SimpleBlock[]): Node[] {
  return blocks.map((b) => {
    if (b.kind === 'list-ordered' || b.kind === 'list-unordered')
      return {
        type: 'list',
        format: b.kind === 'list-ordered' ? 'ordered' : 'unordered',
        children: b.text.split('\n').map((line) => ({ type: 'list-item', children: textNode(line) })),
      };
    if (b.kind === 'heading') return { type: 'heading', level: b.level ?? 2, children: textNode(b.text) };
    return { type: b.kind, children: textNode(b.text) };
  });
}
