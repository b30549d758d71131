import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layer rule of docs/architecture.md ("Layers") is what `npm run lint` enforces: a folder of src/,
 * and a part of src/core, may import what the document lists before it and nothing listed after. The
 * orders are read from the document itself, and every pair is linted as a snippet with the repository's
 * own ESLint config — the one `npx eslint <file>` uses — so the lint and the document cannot drift apart.
 */
const doc = readFileSync('docs/architecture.md', 'utf8');
const eslint = new ESLint();

/** The first word of each line of the first code block after `marker`. */
function listedAfter(marker: string, entry: RegExp): string[] {
  const start = doc.indexOf(marker);
  expect(start, `docs/architecture.md has "${marker}"`).toBeGreaterThan(-1);
  const block = doc.slice(start).split('```')[1];
  return block.split('\n').flatMap((line) => entry.exec(line)?.slice(1, 2) ?? []);
}

const LAYERS = listedAfter('## Layers', /^src\/([a-z-]+)\s/);
const CORE_PARTS = listedAfter('Inside `src/core`', /^([a-z-]+(?:\.ts|\/))\s/).map((p) =>
  p.replace(/\/$/, ''),
);

/** A file in `where` (a folder, or a .ts file) and the path it imports `what` by. */
function probe(where: string, what: string): { filePath: string; specifier: string } {
  const filePath = where.endsWith('.ts') ? where : `${where}/probe.ts`;
  const target = what.endsWith('.ts') ? what.replace(/\.ts$/, '.js') : `${what}/probe.js`;
  const relative = path.posix.relative(path.posix.dirname(filePath), target);
  return { filePath, specifier: relative.startsWith('.') ? relative : `./${relative}` };
}

async function layerErrors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message);
}

async function importErrors(where: string, what: string): Promise<string[]> {
  const { filePath, specifier } = probe(where, what);
  return layerErrors(`import type { Probe } from '${specifier}';\nexport type Again = Probe;\n`, filePath);
}

describe('the layer rule', () => {
  it('gives every folder of src/ and every part of src/core a place in the documented order', () => {
    expect(LAYERS.length).toBeGreaterThan(10);
    expect([...LAYERS].sort()).toEqual(
      readdirSync('src', { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort(),
    );
    expect([...CORE_PARTS].sort()).toEqual(
      readdirSync('src/core', { withFileTypes: true })
        .filter((entry) => entry.isDirectory() || !entry.name.endsWith('.test.ts'))
        .map((entry) => entry.name)
        .sort(),
    );
  });

  it.each(LAYERS.map((layer, index) => [layer, index] as const))(
    'src/%s may import the folders listed before it and none listed after',
    async (layer, index) => {
      for (const [other, otherIndex] of LAYERS.map((name, i) => [name, i] as const)) {
        if (other === layer) continue;
        const errors = await importErrors(`src/${layer}`, `src/${other}`);
        if (otherIndex < index) expect(errors, `src/${layer} → src/${other}`).toEqual([]);
        else
          expect(errors, `src/${layer} → src/${other}`).toEqual([
            expect.stringContaining(`src/${layer} may not import src/${other}:`),
          ]);
      }
    },
  );

  it.each(CORE_PARTS.map((part, index) => [part, index] as const))(
    'src/core/%s may import the parts of core listed before it and none listed after',
    async (part, index) => {
      for (const [other, otherIndex] of CORE_PARTS.map((name, i) => [name, i] as const)) {
        if (other === part) continue;
        const errors = await importErrors(`src/core/${part}`, `src/core/${other}`);
        if (otherIndex < index) expect(errors, `core/${part} → core/${other}`).toEqual([]);
        else
          expect(errors, `core/${part} → core/${other}`).toEqual([
            expect.stringContaining(`src/core/${part} may not import src/core/${other}:`),
          ]);
      }
    },
  );

  it('reports upward imports from nested folders, re-exports, and lazy import() alike', async () => {
    // The fixes of issue 17 as they were: schema sync importing the query language, the schema's data
    // migrations importing document operations, each one folder deeper than the rule's block.
    expect(
      await layerErrors(`import { x } from '../query/render.js';\nx();\n`, 'src/core/schema/sync.ts'),
    ).toEqual([expect.stringContaining('src/core/schema may not import src/core/query:')]);
    expect(
      await layerErrors(`export { x } from '../documents/component-write.js';\n`, 'src/core/schema/data.ts'),
    ).toEqual([expect.stringContaining('src/core/schema may not import src/core/documents:')]);
    expect(
      await layerErrors(
        `export const load = () => import('../../http/app.js');\n`,
        'src/workers/webhooks/x.ts',
      ),
    ).toEqual([expect.stringContaining('src/workers may not import src/http:')]);
    expect(
      await layerErrors(
        `export const load = () => import('../../../core/query/compile.js');\n`,
        'src/db/sqlite/sub/x.ts',
      ),
    ).toEqual([expect.stringContaining('src/db may not import src/core:')]);
  });

  it('leaves imports within a folder, downward, and of packages alone', async () => {
    const code = [
      `import { sql } from 'kysely';`,
      `import { connectSqlite } from '../sqlite/connect.js';`,
      `import { DbError } from '../errors.js';`,
      `import { withTimeout } from '../../lib/with-timeout.js';`,
      `export const all = [sql, connectSqlite, DbError, withTimeout];`,
      `export const load = () => import('./dialect.js');`,
    ].join('\n');
    expect(await layerErrors(`${code}\n`, 'src/db/postgres/x.ts')).toEqual([]);
  });
});
