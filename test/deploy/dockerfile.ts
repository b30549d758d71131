/**
 * A small Dockerfile reader for structural checks (no hadolint here): instructions with their line
 * numbers, continuation lines joined, comments dropped, grouped into build stages.
 */

export interface Instruction {
  /** Upper-cased keyword: FROM, RUN, COPY… */
  readonly keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  readonly args: string;
  /** `--name=value` flags at the start of args (COPY --from=build, HEALTHCHECK --interval=10s…). */
  readonly flags: Readonly<Record<string, string>>;
  /** args without the leading flags. */
  readonly rest: string;
  readonly line: number;
}

export interface Stage {
  readonly index: number;
  /** The image or earlier stage it starts from. */
  readonly base: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  let buffer = '';
  let startLine = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '');
    const trimmed = raw.trim();
    // Comments (and parser directives) are dropped, also between continuation lines, as Docker does.
    if (trimmed.startsWith('#')) continue;
    if (!buffer && !trimmed) continue;
    if (!buffer) startLine = i + 1;
    if (trimmed.endsWith('\\')) {
      buffer += trimmed.slice(0, -1).trim() + ' ';
      continue;
    }
    buffer += trimmed;
    instructions.push(toInstruction(buffer.trim(), startLine));
    buffer = '';
  }
  if (buffer.trim()) throw new Error(`Dockerfile ends inside a continuation (line ${startLine})`);
  return instructions;
}

function toInstruction(text: string, line: number): Instruction {
  const match = /^([A-Za-z]+)\s+([\s\S]*)$/.exec(text);
  if (!match) throw new Error(`line ${line}: not an instruction: ${text}`);
  const keyword = match[1].toUpperCase();
  const args = match[2];
  const flags: Record<string, string> = {};
  let rest = args;
  for (;;) {
    const flag = /^--([a-z-]+)(?:=(\S+))?\s+/.exec(rest);
    if (!flag) break;
    flags[flag[1]] = flag[2] ?? 'true';
    rest = rest.slice(flag[0].length);
  }
  return { keyword, args, flags, rest, line };
}

export function stagesOf(instructions: readonly Instruction[]): Stage[] {
  const stages: Array<{
    index: number;
    base: string;
    name: string | undefined;
    instructions: Instruction[];
  }> = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.rest.trim());
      if (!match) throw new Error(`line ${instruction.line}: cannot read FROM ${instruction.args}`);
      stages.push({ index: stages.length, base: match[1], name: match[2], instructions: [] });
    } else {
      const current = stages[stages.length - 1];
      if (!current && instruction.keyword !== 'ARG')
        throw new Error(`line ${instruction.line}: ${instruction.keyword} before the first FROM`);
      current?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The JSON (exec) form of CMD/ENTRYPOINT/HEALTHCHECK CMD, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  const text = args.trim();
  if (!text.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string'))
    throw new Error(`not an exec form: ${text}`);
  return parsed as string[];
}

/** Image reference parts: `node:20-bookworm-slim` → { name: 'node', tag: '20-bookworm-slim' }. */
export function imageReference(ref: string): {
  name: string;
  tag: string | undefined;
  digest: string | undefined;
} {
  const [withoutDigest, digest] = ref.split('@');
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > slash)
    return { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1), digest };
  return { name: withoutDigest, tag: undefined, digest };
}

/**
 * Whether a path of the build context is excluded by .dockerignore patterns (Go filepath.Match syntax
 * plus `**`; a pattern matching a directory excludes what is inside; `!` re-includes).
 */
export function dockerIgnored(relativePath: string, patterns: readonly string[]): boolean {
  const parts = relativePath.split('/').filter(Boolean);
  let ignored = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, '');
    const regex = globToRegExp(pattern);
    for (let depth = 1; depth <= parts.length; depth++) {
      if (regex.test(parts.slice(0, depth).join('/'))) {
        ignored = !negated;
        break;
      }
    }
  }
  return ignored;
}

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*' && pattern[i + 1] === '*') {
      // `**/` matches any number of directories, including none.
      if (pattern[i + 2] === '/') {
        source += '(?:.*/)?';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function readDockerignore(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}
