import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connect.js';
import type { Database } from '../../src/db/types.js';
import { inReadSnapshot } from '../../src/transfer/export/snapshot.js';
import { exportArchive, exportSources, type ExportSummary } from '../../src/transfer/export/index.js';
import { appSchemaFiles } from '../../src/node/schema-files.js';
import { describeEachDatabase } from '../helpers/each-database.js';
import { startTestNode, TEST_SECRET, type TestNode } from '../helpers/node.js';
import { entryLayout, readContents, type ArchiveContents } from './archive-contents.js';
import { seedShop, SHOP_APP, type Shop } from './shop.js';

// The shape every check below compares with: an archive `strapi export` (Strapi 5.54) wrote of the same
// app (test/fixtures/strapi-export), read with the same primitives.
const FIXTURE = path.join(import.meta.dirname, '..', 'fixtures', 'strapi-export', 'archives', 'plain.tar.gz');
let strapi: ArchiveContents;
beforeAll(async () => {
  strapi = await readContents(FIXTURE);
});

const byType = (lines: Record<string, unknown>[] | undefined, type: string) =>
  (lines ?? []).filter((line) => line.type === type);
const keys = (value: unknown) => Object.keys(value as object);

describeEachDatabase('quorum export', (kind) => {
  let t: TestNode;
  let shop: Shop;
  let dir: string;
  let archive: ArchiveContents;
  let summary: ExportSummary;

  beforeAll(async () => {
    t = await startTestNode({ kind, app: SHOP_APP, copy: true });
    shop = await seedShop(t);
    dir = mkdtempSync(path.join(tmpdir(), 'quorum-export-'));
    summary = await exportArchive({
      database: t.node.database,
      ...exportSources(t.node.config, { QUORUM_SECRET: TEST_SECRET }),
      schemaFiles: appSchemaFiles(t.appDir),
      file: path.join(dir, 'shop.tar.gz'),
      gzip: true,
      parts: new Set(['content', 'files', 'config']),
    });
    archive = await readContents(summary.file);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the files Strapi writes, in its order', () => {
    const layout = (names: readonly string[]) => [...new Set(entryLayout(names))];
    expect(layout(archive.names)).toEqual(layout(strapi.names));
    expect(keys(archive.metadata)).toEqual(keys(strapi.metadata));
    expect(archive.metadata.strapi).toEqual(strapi.metadata.strapi);
  });

  it("writes the app's schemas as Strapi's registry holds them", () => {
    for (const line of strapi.lines.schemas.filter(
      (s) => !String(s.uid).includes('::') || String(s.uid).startsWith('api::'),
    )) {
      // Key order included: the app's types come from the same files.
      const ours = archive.lines.schemas.find((s) => s.uid === line.uid);
      expect(JSON.stringify(ours), String(line.uid)).toBe(JSON.stringify(line));
    }
    const quorumFile = archive.lines.schemas.find((s) => s.uid === 'plugin::upload.file')!;
    const strapiFile = strapi.lines.schemas.find((s) => s.uid === 'plugin::upload.file')!;
    expect(keys(quorumFile)).toEqual(keys(strapiFile));
  });

  it('writes every row with its documentId, draft and published apart, components inside', () => {
    const products = byType(archive.lines.entities, 'api::product.product');
    // Hammer, Saw, Novel published (two rows each: draft and published), Prototype a draft only.
    expect(products).toHaveLength(7);
    const strapiProduct = byType(strapi.lines.entities, 'api::product.product')[0];
    for (const line of products) {
      expect(keys(line)).toEqual(['type', 'id', 'data']);
      expect(keys(line.data)).toEqual(keys(strapiProduct.data));
    }
    const hammer = products.filter(
      (p) => (p.data as { documentId: string }).documentId === shop.products.hammer,
    );
    expect(hammer.map((p) => (p.data as { publishedAt: string | null }).publishedAt === null)).toEqual([
      true,
      false,
    ]);
    const data = hammer[0].data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const strapiData = strapiProduct.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(keys(data.seo)).toEqual(keys(strapiData.seo));
    expect(data.variants.map(keys)).toEqual([keys(strapiData.variants[0]), keys(strapiData.variants[0])]);
    expect(data.blocks.map((b: { __component: string }) => b.__component)).toEqual([
      'shared.quote',
      'shared.rich-text',
    ]);
    expect(data.blocks.map(keys)).toEqual(strapiData.blocks.map(keys));
    expect(data.secretNote).toBe('cost 7');
    // The same component under the draft and the published row: two rows of its table.
    expect((hammer[1].data as { seo: { id: number } }).seo.id).not.toBe(data.seo.id);

    const saw = products.filter((p) => (p.data as { documentId: string }).documentId === shop.products.saw);
    expect(saw.map((p) => (p.data as { title: string }).title)).toEqual(['Saw v2', 'Saw']);

    for (const type of [
      'plugin::upload.file',
      'plugin::users-permissions.user',
      'plugin::users-permissions.role',
    ]) {
      const strapiKeys = keys(byType(strapi.lines.entities, type)[0].data);
      for (const line of byType(archive.lines.entities, type))
        expect(keys(line.data), type).toEqual(strapiKeys);
    }
    const alice = byType(archive.lines.entities, 'plugin::users-permissions.user').find(
      (u) => (u.data as { username: string }).username === 'alice',
    )!;
    expect((alice.data as { password: string }).password).toMatch(/^\$argon2id\$/);
    expect(byType(archive.lines.entities, 'api::homepage.homepage')).toHaveLength(2);
  });

  it('writes links row to row, each status to the same status, media from the file side', () => {
    const links = archive.lines.links as { kind: string; left: any; right: any }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    const entities = archive.lines.entities as { type: string; id: number; data: any }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    const row = (type: string, id: number) => entities.find((e) => e.type === type && e.id === id)!;
    // Every (left type, field) Strapi writes for this app, Quorum writes too, with the same keys.
    const shape = (l: (typeof links)[number]) =>
      JSON.stringify([l.kind, l.left.type, l.left.field, keys(l.left), l.right.type ?? null, keys(l.right)]);
    const strapiShapes = new Set(
      (strapi.lines.links as typeof links).filter((l) => !l.left.type.startsWith('plugin::i18n')).map(shape),
    );
    const quorumShapes = new Set(links.map(shape));
    for (const s of strapiShapes) {
      // Strapi's built-in permission rows have no Quorum twin with the same link set; the rest must match.
      expect(quorumShapes, s).toContain(s);
    }
    for (const link of links.filter((l) => l.kind !== 'relation.morph' && l.left.field !== 'localizations')) {
      const left = row(link.left.type, link.left.ref);
      const right = row(link.right.type, link.right.ref);
      expect(left, JSON.stringify(link)).toBeDefined();
      expect(right, JSON.stringify(link)).toBeDefined();
      if (link.left.type.startsWith('api::') && link.right.type.startsWith('api::'))
        expect(left.data.publishedAt === null, JSON.stringify(link)).toBe(right.data.publishedAt === null);
    }
    // The published Prototype does not exist; the published Novel links the published Hammer.
    const novelRows = entities.filter((e) => e.data.documentId === shop.products.novel);
    const published = novelRows.find((e) => e.data.publishedAt !== null)!;
    const related = links.filter((l) => l.left.field === 'related' && l.left.ref === published.id);
    expect(related.map((l) => row('api::product.product', l.right.ref).data.publishedAt)).not.toContain(null);
    expect(related).toHaveLength(1);
    // Media: the file on the left, the row (or component row) and its attribute on the right.
    const media = links.filter((l) => l.kind === 'relation.morph');
    const hammerRows = entities.filter((e) => e.data.documentId === shop.products.hammer).map((e) => e.id);
    const gallery = media.filter((l) => l.right.field === 'gallery' && l.right.ref === hammerRows[0]);
    expect(gallery.map((l) => [l.left.ref, l.right.pos]).sort((a, b) => a[1] - b[1])).toEqual([
      [shop.files.hammer, 1],
      [shop.files.saw, 2],
    ]);
    expect(media.filter((l) => l.right.type === 'shared.seo').length).toBeGreaterThanOrEqual(4);
    // Users' roles, and a product's author (a user) are links as in Strapi.
    expect(
      links.some((l) => l.left.type === 'plugin::users-permissions.user' && l.left.field === 'role'),
    ).toBe(true);
    expect(links.filter((l) => l.left.field === 'author').map((l) => l.right.ref)).toContain(
      shop.users.alice,
    );
  });

  it("writes each file's bytes and metadata, formats included", () => {
    const uploads = archive.names.filter((n) => n.startsWith('assets/uploads/'));
    const metadata = archive.names.filter((n) => n.startsWith('assets/metadata/'));
    // hammer.png: original + thumbnail + small; saw.png: original + thumbnail; manual.txt.
    expect(uploads).toHaveLength(6);
    expect(metadata).toEqual(uploads.map((n) => n.replace('assets/uploads/', 'assets/metadata/') + '.json'));
    const main = JSON.parse(archive.files.get(metadata[0])!.toString());
    const strapiMain = JSON.parse(
      strapi.files.get(strapi.names.find((n) => n.startsWith('assets/metadata/'))!)!.toString(),
    );
    expect(keys(main)).toEqual(keys(strapiMain));
    const format = JSON.parse(archive.files.get(metadata[1])!.toString());
    expect(keys(format).slice(-3)).toEqual(['type', 'id', 'mainHash']);
    expect(format.mainHash).toBe(main.hash);
    expect(summary.counts.assets).toBe(6);
    expect(summary.missingAssets).toEqual([]);
  });

  it('writes the users & permissions settings and webhooks as configuration', () => {
    const advanced = (archive.lines.configuration ?? []).find(
      (c) => (c.value as { key?: string }).key === 'plugin_users-permissions_advanced',
    )!;
    const strapiAdvanced = strapi.lines.configuration.find(
      (c) => (c.value as { key?: string }).key === 'plugin_users-permissions_advanced',
    )!;
    expect(keys(advanced.value)).toEqual(keys(strapiAdvanced.value));
    expect(keys((advanced.value as { value: object }).value)).toEqual(
      keys((strapiAdvanced.value as { value: object }).value),
    );
  });
});

describeEachDatabase('quorum export, reading', (kind) => {
  let t: TestNode;
  let dir: string;

  beforeAll(async () => {
    t = await startTestNode({ kind, app: SHOP_APP, copy: true });
    await seedShop(t);
    dir = mkdtempSync(path.join(tmpdir(), 'quorum-export-'));
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const exportTo = (file: string, options: { key?: string; gzip?: boolean; force?: boolean } = {}) =>
    exportArchive({
      database: t.node.database,
      ...exportSources(t.node.config, { QUORUM_SECRET: TEST_SECRET }),
      schemaFiles: appSchemaFiles(t.appDir),
      file: path.join(dir, file),
      gzip: options.gzip ?? true,
      key: options.key,
      force: options.force,
      parts: new Set(['content', 'files', 'config']),
    });

  it('encrypts as strapi export --key does: the key opens it, nothing else does', async () => {
    const { file } = await exportTo('secret.tar.gz.enc', { key: 'correct horse battery' });
    const plain = await exportTo('plain.tar.gz');
    await expect(readContents(file)).rejects.toThrow(/--key/);
    await expect(readContents(file, { key: 'wrong key' })).rejects.toThrow();
    const opened = await readContents(file, { key: 'correct horse battery' });
    const clear = await readContents(plain.file);
    expect(entryLayout(opened.names)).toEqual(entryLayout(clear.names));
    expect(opened.lines.entities).toEqual(clear.lines.entities);
  });

  it('writes a plain tar without compression, and never replaces a file unless forced', async () => {
    const { file } = await exportTo('plain.tar', { gzip: false });
    const head = readFileSync(file).subarray(257, 262).toString('latin1');
    expect(head).toBe('ustar');
    const before = statSync(file).mtimeMs;
    await expect(exportTo('plain.tar', { gzip: false })).rejects.toThrow(/already exists.*--force/);
    expect(statSync(file).mtimeMs).toBe(before);
    await exportTo('plain.tar', { gzip: false, force: true });
    expect((await readContents(file)).names).toContain('metadata.json');
    // Nothing of the work is left beside the archive.
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('reads from one snapshot: writes made while it is open are not in it', async () => {
    const other = await connectDatabase(t.node.config);
    try {
      const count = (db: Database) =>
        db.db
          .selectFrom('products')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
          .then((row) => Number(row.n));
      const before = await count(t.node.database);
      const seen = await inReadSnapshot(other, async (snapshot) => {
        const first = await count(snapshot);
        const res = await t.request({
          method: 'POST',
          url: '/api/products',
          body: { data: { title: 'Late' } },
        });
        expect(res.status).toBe(201);
        return [first, await count(snapshot)];
      });
      expect(seen).toEqual([before, before]);
      expect(await count(other)).toBe(before + 2);
    } finally {
      await other.close();
    }
  });
});
