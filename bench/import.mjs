// `quorum import` throughput (issue 18): generates a synthetic Strapi 5 export of BENCH_IMPORT_DOCUMENTS
// documents (default 100,000) — articles with a draft row each, half of them also published, each row
// with a `seo` component and a link to one of 100 categories — as `strapi export` lays it out (tar.gz),
// then imports it into a fresh SQLite database with the CLI, as a user would, and prints documents per
// second (wall time of the whole command: checking pass, writing pass, link ordering) and the archive size.
// Usage: npm run bench:import (builds first). BENCH_IMPORT_DATABASE_URL picks another database.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { importDist, REPO } from './lib/paths.mjs';
import { onShutdown, startProcess } from './lib/processes.mjs';

const DOCUMENTS = Number(process.env.BENCH_IMPORT_DOCUMENTS ?? 100_000);
const CATEGORIES = 100;
const log = (...args) => console.error('[import bench]', ...args);

const dir = mkdtempSync(path.join(tmpdir(), 'quorum-bench-import-'));
const shutdown = onShutdown(async () => rmSync(dir, { recursive: true, force: true }));

/** The app: the schema files the archive's types come from. */
function writeApp(appDir) {
  const files = {
    'src/api/article/content-types/article/schema.json': {
      kind: 'collectionType',
      collectionName: 'articles',
      info: { singularName: 'article', pluralName: 'articles', displayName: 'Article' },
      options: { draftAndPublish: true },
      attributes: {
        title: { type: 'string', required: true },
        slug: { type: 'uid', targetField: 'title' },
        body: { type: 'text' },
        views: { type: 'integer' },
        rating: { type: 'decimal' },
        featured: { type: 'boolean' },
        day: { type: 'date' },
        seo: { type: 'component', component: 'shared.seo', repeatable: false },
        category: {
          type: 'relation',
          relation: 'manyToOne',
          target: 'api::category.category',
          inversedBy: 'articles',
        },
      },
    },
    'src/api/category/content-types/category/schema.json': {
      kind: 'collectionType',
      collectionName: 'categories',
      info: { singularName: 'category', pluralName: 'categories', displayName: 'Category' },
      options: { draftAndPublish: false },
      attributes: {
        name: { type: 'string' },
        articles: {
          type: 'relation',
          relation: 'oneToMany',
          target: 'api::article.article',
          mappedBy: 'category',
        },
      },
    },
    'src/components/shared/seo.json': {
      collectionName: 'components_shared_seos',
      info: { displayName: 'Seo' },
      attributes: { metaTitle: { type: 'string' }, metaDescription: { type: 'text' } },
    },
  };
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(appDir, name)), { recursive: true });
    writeFileSync(path.join(appDir, name), JSON.stringify(content, null, 2));
  }
}

const documentId = (prefix, n) => `${prefix}${String(n).padStart(24 - prefix.length, '0')}`;

async function writeArchive(file) {
  const { ArchiveWriter } = await importDist('transfer/archive/index.js');
  const writer = new ArchiveWriter(file, { gzip: true });
  const at = '2026-01-01T00:00:00.000Z';
  await writer.writeJsonl('schemas', [
    {
      uid: 'api::article.article',
      modelType: 'contentType',
      kind: 'collectionType',
      collectionName: 'articles',
      info: { displayName: 'Article' },
      attributes: {},
    },
    {
      uid: 'api::category.category',
      modelType: 'contentType',
      kind: 'collectionType',
      collectionName: 'categories',
      info: { displayName: 'Category' },
      attributes: {},
    },
    {
      uid: 'shared.seo',
      modelType: 'component',
      collectionName: 'components_shared_seos',
      info: { displayName: 'Seo' },
      attributes: {},
    },
  ]);
  // Row ids as Strapi gives them: categories 1..100; article drafts 1..N, published rows after them.
  const rows = [];
  for (let n = 1; n <= DOCUMENTS; n++) {
    rows.push({ id: n, n, published: false });
    if (n % 2 === 0) rows.push({ id: DOCUMENTS + n / 2, n, published: true });
  }
  await writer.writeJsonl(
    'entities',
    (function* () {
      for (let c = 1; c <= CATEGORIES; c++)
        yield {
          type: 'api::category.category',
          id: c,
          data: {
            documentId: documentId('c', c),
            name: `Category ${c}`,
            createdAt: at,
            updatedAt: at,
            publishedAt: at,
            locale: null,
          },
        };
      let seo = 0;
      for (const row of rows)
        yield {
          type: 'api::article.article',
          id: row.id,
          data: {
            documentId: documentId('a', row.n),
            title: `Article ${row.n}`,
            slug: `article-${row.n}`,
            body: `Body of article ${row.n}. `.repeat(8),
            views: row.n % 1000,
            rating: (row.n % 50) / 10,
            featured: row.n % 7 === 0,
            day: '2025-06-15',
            createdAt: at,
            updatedAt: at,
            publishedAt: row.published ? at : null,
            locale: null,
            seo: {
              id: ++seo,
              metaTitle: `Article ${row.n}`,
              metaDescription: 'A synthetic article for the import benchmark.',
            },
          },
        };
    })(),
  );
  await writer.writeJsonl(
    'links',
    (function* () {
      for (const row of rows)
        yield {
          kind: 'relation.basic',
          relation: 'manyToOne',
          left: { type: 'api::article.article', field: 'category', ref: row.id },
          right: {
            type: 'api::category.category',
            field: 'articles',
            ref: (row.n % CATEGORIES) + 1,
            pos: row.n,
          },
        };
    })(),
  );
  await writer.writeJsonl('configuration', []);
  await writer.addFile(
    'metadata.json',
    JSON.stringify({ createdAt: new Date().toISOString(), strapi: { version: '5.54.0' } }, null, 2),
  );
  await writer.close();
  return rows.length;
}

try {
  const appDir = path.join(dir, 'app');
  writeApp(appDir);
  const archive = path.join(dir, 'export.tar.gz');
  let started = performance.now();
  const rowCount = await writeArchive(archive);
  const size = statSync(archive).size;
  log(
    `archive: ${DOCUMENTS} documents, ${rowCount} rows, ${(size / 1e6).toFixed(1)} MB, written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const databaseUrl = process.env.BENCH_IMPORT_DATABASE_URL ?? `sqlite:${path.join(dir, 'data.db')}`;
  started = performance.now();
  const child = startProcess(
    process.execPath,
    [path.join(REPO, 'bin', 'quorum.js'), 'import', archive, '--app', appDir],
    {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        QUORUM_SECRET: 'bench-secret-0123456789abcdef',
        LOG_LEVEL: 'warn',
      },
      captureStdout: true,
    },
  );
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  const { code } = await child.exited;
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`quorum import exited with ${code}\n${stdout}`);
  process.stdout.write(stdout);
  console.log(
    `import: ${DOCUMENTS} documents (${rowCount} rows, ${rowCount} links) in ${seconds.toFixed(1)} s = ${Math.round(DOCUMENTS / seconds)} documents/s; archive ${(size / 1e6).toFixed(1)} MB (${databaseUrl.split(':')[0]})`,
  );
} finally {
  await shutdown();
}
