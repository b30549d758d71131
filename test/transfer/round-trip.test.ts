import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createNode, type QuorumNode } from '../../src/node/node.js';
import { appSchemaFiles } from '../../src/node/schema-files.js';
import { storageProvider } from '../../src/media/storage/index.js';
import { exportArchive, exportSources } from '../../src/transfer/export/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { fixtureAppPath, startTestNode, TEST_SECRET, type TestNode } from '../helpers/node.js';
import { killAllProcesses, REPO_ROOT, runCli } from '../helpers/processes.js';
import { readContents, type ArchiveContents } from './archive-contents.js';
import { seedShop, SHOP_APP, type Shop } from './shop.js';

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'strapi-export');
const STRAPI_ARCHIVE = path.join(FIXTURE, 'archives', 'plain.tar.gz');
const work = mkdtempSync(path.join(tmpdir(), 'quorum-round-trip-'));

afterAll(async () => {
  killAllProcesses();
  rmSync(work, { recursive: true, force: true });
});

/** The shop app in a folder of its own, files in the local provider (as the Strapi app had them) or `provider`. */
function appCopy(provider = 'local'): string {
  const dir = mkdtempSync(path.join(work, 'app-'));
  cpSync(fixtureAppPath(SHOP_APP), dir, { recursive: true });
  writeFileSync(path.join(dir, 'quorum.config.json'), JSON.stringify({ upload: { provider } }));
  return dir;
}

/**
 * Links with each target's inverse positions (`right.pos`) replaced by their rank among the links to the
 * same target row. Quorum numbers a target's inverse list per document (its draft and published rows
 * share one sequence), Strapi per row: the order is the same, the numbers may have gaps.
 */
function ranked(links: Line[]): Line[] {
  const groups = new Map<string, Line[]>();
  for (const link of links) {
    if (typeof link.right.pos !== 'number') continue;
    const key = JSON.stringify([link.left.type, link.left.field, link.right.type, link.right.ref]);
    groups.set(key, [...(groups.get(key) ?? []), link]);
  }
  const rank = new Map<Line, number>();
  for (const group of groups.values())
    [...group].sort((a, b) => a.right.pos - b.right.pos).forEach((link, i) => rank.set(link, i + 1));
  return links.map((link) =>
    rank.has(link) ? { ...link, right: { ...link.right, pos: rank.get(link) } } : link,
  );
}

async function importInto(app: string, db: TestDatabase, archive: string): Promise<QuorumNode> {
  const env = { DATABASE_URL: db.url, QUORUM_SECRET: TEST_SECRET };
  const result = await runCli(['import', archive, '--app', app], { env, timeoutMs: 60_000 });
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  return createNode(loadConfig({ appDir: app, env }), { logger: pino({ level: 'silent' }), env });
}

async function exportOf(node: QuorumNode, app: string, file: string): Promise<ArchiveContents> {
  const { file: written } = await exportArchive({
    database: node.database,
    ...exportSources(node.config, { QUORUM_SECRET: TEST_SECRET }),
    schemaFiles: appSchemaFiles(app),
    file: path.join(work, file),
    gzip: true,
    parts: new Set(['content', 'files', 'config']),
  });
  return readContents(written);
}

type Line = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describeEachDatabase('export of an imported Strapi archive', (kind) => {
  let db: TestDatabase;
  let node: QuorumNode;
  let strapi: ArchiveContents;
  let ours: ArchiveContents;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    const app = appCopy();
    node = await importInto(app, db, STRAPI_ARCHIVE);
    strapi = await readContents(STRAPI_ARCHIVE);
    ours = await exportOf(node, app, `reexport-${kind}.tar.gz`);
  }, 120_000);

  afterAll(async () => {
    await node?.stop({ drainMs: 0 });
    await db?.drop();
  });

  // What Strapi wrote and Quorum cannot hold: Strapi's own types (locales, admin) and their links.
  const strapiOnly = (type: string) => type === 'plugin::i18n.locale' || type.startsWith('admin::');

  it("writes the app's entity lines as Strapi wrote them: same ids, documentIds, values, components", () => {
    for (const line of strapi.lines.entities as Line[]) {
      if (!line.type.startsWith('api::')) continue;
      const mine = (ours.lines.entities as Line[]).find((l) => l.type === line.type && l.id === line.id);
      // Byte for byte where the database keeps JSON as written; jsonb (PostgreSQL) reorders json values' keys.
      if (kind === 'sqlite') expect(JSON.stringify(mine)).toBe(JSON.stringify(line));
      else expect(isDeepStrictEqual(mine, line), JSON.stringify(mine)).toBe(true);
    }
    const count = (contents: ArchiveContents) =>
      (contents.lines.entities as Line[]).filter((l) => l.type.startsWith('api::')).length;
    expect(count(ours)).toBe(count(strapi));
  });

  it('writes the same links (row to row, positions, media morphs from files and components)', async () => {
    const key = (l: Line) => JSON.stringify(l);
    const theirs = ranked(strapi.lines.links as Line[]).filter(
      (l) => !strapiOnly(l.left.type) && !strapiOnly(l.right.type),
    );
    const mine = new Set(ranked(ours.lines.links as Line[]).map(key));
    const missing = theirs.filter(
      (l) => !mine.has(key(l)) && l.left.type !== 'plugin::users-permissions.permission',
    );
    expect(
      missing.map(key),
      JSON.stringify((ours.lines.links as Line[]).filter((l) => l.left.field === 'category')),
    ).toEqual([]);
  });

  it("writes each file's bytes and sidecar as Strapi did", () => {
    const assets = (contents: ArchiveContents) =>
      contents.names
        .filter((n) => n.startsWith('assets/'))
        .map((n) => [n, contents.files.get(n)!.toString('base64')]);
    expect(assets(ours)).toEqual(assets(strapi));
  });
});

describeEachDatabase('export then import into a fresh database', (kind) => {
  let source: TestNode;
  let shop: Shop;
  let db: TestDatabase;
  let target: QuorumNode;

  beforeAll(async () => {
    source = await startTestNode({ kind, app: SHOP_APP, copy: true });
    shop = await seedShop(source);
    const app = appCopy(storageProvider(source.node.config));
    const archive = await exportArchive({
      database: source.node.database,
      ...exportSources(source.node.config, { QUORUM_SECRET: TEST_SECRET }),
      schemaFiles: appSchemaFiles(source.appDir),
      file: path.join(work, `round-trip-${kind}.tar.gz`),
      gzip: true,
      parts: new Set(['content', 'files', 'config']),
    });
    db = await createTestDatabase(kind);
    target = await importInto(app, db, archive.file);
  }, 120_000);

  afterAll(async () => {
    await target?.stop({ drainMs: 0 });
    await db?.drop();
    await source?.close();
  });

  it('gives the same REST answers: lists, populate=*, drafts, single types, users', async () => {
    const token = await target.tokens.create({ name: 'round-trip', type: 'full-access' });
    const urls = [
      '/api/products',
      '/api/products?populate=*',
      '/api/products?status=draft&populate=*&sort=id',
      `/api/products/${shop.products.hammer}?populate=*`,
      `/api/products/${shop.products.saw}?status=draft&populate=*`,
      `/api/products/${shop.products.prototype}?status=draft&populate[seo][populate]=*&populate[related]=true`,
      '/api/products?populate[seo][populate]=*&populate[blocks]=*&populate[variants]=true',
      '/api/categories?populate=*&status=draft',
      `/api/categories/${shop.categories.secret}?status=draft`,
      '/api/homepage?populate=*',
      '/api/homepage?status=draft&populate[hero][populate]=*&populate[featured]=true',
      '/api/users?populate=role&sort=id',
      '/api/upload/files?sort=id',
    ];
    for (const url of urls) {
      const before = await source.request({ url });
      const after = await target.app.inject({ url, headers: { authorization: `Bearer ${token.token}` } });
      expect(before.status, url).toBe(200);
      expect(after.statusCode, url).toBe(200);
      expect(JSON.parse(after.body), url).toEqual(before.json());
    }
  });

  it("serves each file's bytes, and users log in with the password they had", async () => {
    const files = (await source.request({ url: '/api/upload/files?sort=id' })).json() as {
      url: string;
      formats: Record<string, { url: string }> | null;
    }[];
    expect(files).toHaveLength(3);
    for (const file of files)
      for (const url of [file.url, ...Object.values(file.formats ?? {}).map((f) => f.url)]) {
        const before = await source.node.app.inject({ url });
        const after = await target.app.inject({ url });
        expect(after.statusCode, url).toBe(200);
        expect(after.rawPayload.equals(before.rawPayload), url).toBe(true);
      }
    const login = await target.app.inject({
      method: 'POST',
      url: '/api/auth/local',
      payload: { identifier: 'alice', password: 'alice-secret-1' },
    });
    expect(login.statusCode, login.body).toBe(200);
    expect(login.json().user.id).toBe(shop.users.alice);
  });
});
