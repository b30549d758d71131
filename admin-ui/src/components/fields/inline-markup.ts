/**
 * The inline content of a block (Strapi's text nodes with bold/italic/underline/strikethrough/code marks,
 * and links) written as one line of light markup the block editor can show in a plain text box:
 *
 *   **bold**  __italic__  <u>underline</u>  ~~strikethrough~~  `code`  [link text](https://url)
 *
 * A backslash makes the next character literal; the writer escapes whatever could be read as markup, so
 * parse(write(nodes)) gives the nodes back. The reader is lenient with what people type: a marker without
 * its partner (the `*` of a footnote, an unclosed `[`) is plain text.
 */
export type Mark = 'bold' | 'italic' | 'underline' | 'strikethrough' | 'code';

export interface TextNode {
  type: 'text';
  text: string;
  bold?: true;
  italic?: true;
  underline?: true;
  strikethrough?: true;
  code?: true;
}

export interface LinkNode {
  type: 'link';
  url: string;
  children: TextNode[];
}

export type InlineNode = TextNode | LinkNode;

/** Markers in the order they are opened (closed in reverse). */
const MARKS: readonly Mark[] = ['bold', 'italic', 'strikethrough', 'underline', 'code'];
const OPEN: Record<Mark, string> = {
  bold: '**',
  italic: '__',
  strikethrough: '~~',
  underline: '<u>',
  code: '`',
};
const CLOSE: Record<Mark, string> = { ...OPEN, underline: '</u>' };

// ---------------------------------------------------------------------------------------------- writing

/** The markup of a block's inline nodes. */
export function writeInline(nodes: readonly InlineNode[]): string {
  let out = '';
  let active = new Set<Mark>();
  const switchTo = (marks: Set<Mark>) => {
    for (const mark of [...MARKS].reverse()) if (active.has(mark) && !marks.has(mark)) out += CLOSE[mark];
    for (const mark of MARKS) if (!active.has(mark) && marks.has(mark)) out += OPEN[mark];
    active = marks;
  };
  const writeText = (node: TextNode) => {
    switchTo(marksOf(node));
    out += escapeText(node.text);
  };
  for (const node of nodes) {
    if (node.type === 'link') {
      // Marks never cross a link's edges: each side opens and closes its own.
      switchTo(new Set());
      out += '[';
      for (const child of node.children) writeText(child);
      switchTo(new Set());
      out += `](${node.url.replace(/[\\)]/g, '\\$&')})`;
    } else {
      writeText(node);
    }
  }
  switchTo(new Set());
  return out;
}

function marksOf(node: TextNode): Set<Mark> {
  return new Set(MARKS.filter((mark) => node[mark] === true));
}

/**
 * Backslash, backtick, brackets and `<` always; `*`, `_` and `~` when doubled or at either end of the
 * text (where they would run into a marker written next to them).
 */
function escapeText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const always = ch === '\\' || ch === '`' || ch === '[' || ch === ']' || ch === '<';
    const marker =
      (ch === '*' || ch === '_' || ch === '~') &&
      (i === 0 || i === text.length - 1 || text[i - 1] === ch || text[i + 1] === ch);
    out += always || marker ? `\\${ch}` : ch;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- reading

type Token =
  | { kind: 'char'; value: string }
  | { kind: 'mark'; mark: Mark; open: boolean; raw: string }
  | { kind: 'link-start' }
  | { kind: 'link-end'; url: string; raw: string };

/** The inline nodes of a line of markup. */
export function readInline(markup: string): InlineNode[] {
  const tokens = pairUp(tokenize(markup));
  const nodes: InlineNode[] = [];
  const active = new Set<Mark>();
  let link: LinkNode | undefined;
  let text = '';
  const flush = () => {
    if (!text) return;
    const node: TextNode = { type: 'text', text };
    for (const mark of MARKS) if (active.has(mark)) node[mark] = true;
    pushText(link ? link.children : nodes, node);
    text = '';
  };
  for (const token of tokens) {
    if (token.kind === 'char') {
      text += token.value;
    } else if (token.kind === 'mark') {
      flush();
      if (token.open) active.add(token.mark);
      else active.delete(token.mark);
    } else if (token.kind === 'link-start') {
      flush();
      link = { type: 'link', url: '', children: [] };
    } else {
      flush();
      link!.url = token.url;
      if (link!.children.length === 0) link!.children.push({ type: 'text', text: '' });
      nodes.push(link!);
      link = undefined;
    }
  }
  flush();
  return nodes.length ? nodes : [{ type: 'text', text: '' }];
}

/** Appends a text node, merged into the previous one when their marks are the same. */
function pushText(list: InlineNode[], node: TextNode): void {
  const last = list.at(-1);
  if (last?.type === 'text' && sameMarks(last, node)) last.text += node.text;
  else list.push(node);
}

function sameMarks(a: TextNode, b: TextNode): boolean {
  return MARKS.every((mark) => (a[mark] === true) === (b[mark] === true));
}

function tokenize(markup: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < markup.length) {
    const ch = markup[i];
    if (ch === '\\' && i + 1 < markup.length) {
      tokens.push({ kind: 'char', value: markup[i + 1] });
      i += 2;
      continue;
    }
    const mark = markAt(markup, i);
    if (mark) {
      tokens.push(mark);
      i += mark.raw.length;
      continue;
    }
    if (ch === '[') {
      tokens.push({ kind: 'link-start' });
      i += 1;
      continue;
    }
    if (ch === ']' && markup[i + 1] === '(') {
      const end = linkTarget(markup, i + 2);
      if (end) {
        tokens.push({ kind: 'link-end', url: end.url, raw: markup.slice(i, end.next) });
        i = end.next;
        continue;
      }
    }
    tokens.push({ kind: 'char', value: ch });
    i += 1;
  }
  return tokens;
}

function markAt(markup: string, i: number): Extract<Token, { kind: 'mark' }> | undefined {
  for (const mark of MARKS) {
    if (markup.startsWith(CLOSE[mark], i) && CLOSE[mark] !== OPEN[mark])
      return { kind: 'mark', mark, open: false, raw: CLOSE[mark] };
    if (markup.startsWith(OPEN[mark], i)) return { kind: 'mark', mark, open: true, raw: OPEN[mark] };
  }
  return undefined;
}

/** The URL of `](url)` starting after `](`, with `\` escapes; undefined when `)` never comes. */
function linkTarget(markup: string, from: number): { url: string; next: number } | undefined {
  let url = '';
  for (let i = from; i < markup.length; i++) {
    if (markup[i] === '\\' && i + 1 < markup.length) url += markup[++i];
    else if (markup[i] === ')') return { url, next: i + 1 };
    else url += markup[i];
  }
  return undefined;
}

/**
 * Decides which markers are markup: a symmetric marker opens when a partner follows it (else it is
 * text), `<u>` needs a later `</u>`, a link needs both its `[` and its `](url)`; marks do not cross a
 * link's edge unclosed.
 */
function pairUp(tokens: Token[]): Token[] {
  const out: Token[] = [];
  const literal = (token: Token): Token => {
    if (token.kind === 'mark') return { kind: 'char', value: token.raw };
    if (token.kind === 'link-start') return { kind: 'char', value: '[' };
    if (token.kind === 'link-end') return { kind: 'char', value: token.raw };
    return token;
  };
  // Links first: a `[` pairs with the next `](url)` (no nesting).
  const linked: Token[] = [];
  let start = -1;
  for (const token of tokens) {
    if (token.kind === 'link-start') {
      if (start >= 0) linked[start] = literal(linked[start]);
      start = linked.length;
      linked.push(token);
    } else if (token.kind === 'link-end') {
      if (start < 0) linked.push(literal(token));
      else {
        linked.push(token);
        start = -1;
      }
    } else {
      linked.push(token);
    }
  }
  if (start >= 0) linked[start] = literal(linked[start]);

  // Then marks, within each stretch between link edges.
  let stretch: Token[] = [];
  const flush = () => {
    out.push(...pairMarks(stretch, literal));
    stretch = [];
  };
  for (const token of linked) {
    if (token.kind === 'link-start' || token.kind === 'link-end') {
      flush();
      out.push(token);
    } else {
      stretch.push(token);
    }
  }
  flush();
  return out;
}

function pairMarks(tokens: Token[], literal: (token: Token) => Token): Token[] {
  const result = [...tokens];
  const openAt = new Map<Mark, number>();
  tokens.forEach((token, index) => {
    if (token.kind !== 'mark') return;
    const symmetric = OPEN[token.mark] === CLOSE[token.mark];
    const open = openAt.get(token.mark);
    if (open === undefined) {
      if (symmetric || token.open) openAt.set(token.mark, index);
      else result[index] = literal(token);
    } else if (symmetric || !token.open) {
      result[open] = { ...(token as Extract<Token, { kind: 'mark' }>), open: true, raw: OPEN[token.mark] };
      result[index] = { ...(token as Extract<Token, { kind: 'mark' }>), open: false, raw: CLOSE[token.mark] };
      openAt.delete(token.mark);
    } else {
      // A second `<u>` before the first closed: the first is text.
      result[open] = literal(tokens[open]);
      openAt.set(token.mark, index);
    }
  });
  for (const index of openAt.values()) result[index] = literal(tokens[index]);
  return result;
}
